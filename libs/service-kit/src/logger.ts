import type { LoggerService } from '@nestjs/common';
import pino, { Logger as PinoLogger } from 'pino';

/** Field names whose values never reach a log line. */
const REDACTED_PATHS = [
  'secret',
  'appSecret',
  'token',
  'password',
  'signature',
  'authorization',
  '*.secret',
  '*.appSecret',
  '*.token',
  '*.password',
  '*.signature',
  '*.authorization',
  'headers["signature"]',
  'headers["rc-signature"]',
  'headers.authorization',
];

let root: PinoLogger | undefined;

export function createRootLogger(service: string, level = 'info', destination?: pino.DestinationStream): PinoLogger {
  root = pino(
    {
      level,
      base: { service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  return root;
}

export function rootLogger(): PinoLogger {
  return root ?? createRootLogger(process.env.SERVICE_NAME ?? 'msync', process.env.LOG_LEVEL ?? 'info');
}

/** Logger for one class: `const log = loggerFor('FanoutConsumer')`. */
export function loggerFor(context: string): PinoLogger {
  return rootLogger().child({ context });
}

/** Routes Nest's own logging into the same JSON lines. */
export class NestJsonLogger implements LoggerService {
  log(message: unknown, context?: string) {
    rootLogger().info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    rootLogger().error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    rootLogger().warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    rootLogger().debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    rootLogger().trace({ context }, String(message));
  }
}
