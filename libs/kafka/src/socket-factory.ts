import net from 'node:net';
import tls from 'node:tls';
import type { ISocketFactory } from 'kafkajs';

/**
 * kafkajs' own factory leaves Nagle's algorithm on. With several requests in flight on one broker
 * connection (a parked fetch, a commit, a heartbeat, a produce) a small write then waits for the
 * peer's delayed ACK: about 40 ms per hop on Linux. Every stage of the pipeline paid it.
 */
export const noDelaySocketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const socket = ssl
    ? tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
    : net.connect({ host, port }, onConnect);
  socket.setNoDelay(true);
  socket.setKeepAlive(true, 60_000);
  return socket;
};
