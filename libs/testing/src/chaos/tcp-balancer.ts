import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A least-connections TCP load balancer on a loopback port, for gateways behind one address as in a
 * cluster: each new connection goes to the backend holding the fewest. A backend removed gets no new
 * connection (its open ones stay until it closes them, as when an endpoint is dropped before the pod
 * stops).
 */
export class TcpBalancer {
  private readonly backends = new Map<number, Set<Socket>>();
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  private constructor(server: Server) {
    this.server = server;
  }

  static async start(): Promise<TcpBalancer> {
    const holder: { balancer?: TcpBalancer } = {};
    const server = createServer((client) => holder.balancer?.accept(client));
    const balancer = (holder.balancer = new TcpBalancer(server));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return balancer;
  }

  get port(): number {
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('not listening');
    return address.port;
  }

  add(port: number): void {
    if (!this.backends.has(port)) this.backends.set(port, new Set());
  }

  remove(port: number): void {
    this.backends.delete(port);
  }

  /** Open connections per backend port. */
  connections(): Record<number, number> {
    return Object.fromEntries([...this.backends].map(([port, set]) => [port, set.size]));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.sockets.add(client);
    client.once('close', () => this.sockets.delete(client));
    const candidates = [...this.backends];
    if (candidates.length === 0) {
      client.destroy();
      return;
    }
    const [port, set] = candidates.reduce((best, c) => (c[1].size < best[1].size ? c : best));
    const upstream = connect(port, '127.0.0.1');
    this.sockets.add(upstream);
    set.add(client);
    const done = () => {
      set.delete(client);
      client.destroy();
      upstream.destroy();
    };
    upstream.once('close', done);
    client.once('close', done);
    upstream.on('error', done);
    client.on('error', done);
    upstream.once('close', () => this.sockets.delete(upstream));
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
