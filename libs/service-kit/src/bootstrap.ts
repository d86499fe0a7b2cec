import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { CustomTransportStrategy, MicroserviceOptions } from '@nestjs/microservices';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { z } from 'zod';
import { ConfigError, parseConfig, type BaseEnv } from './config';
import { HttpDrain } from './http-drain';
import { NestJsonLogger, createRootLogger, rootLogger } from './logger';
import { initMetrics } from './metrics';
import { installProcessGuards } from './process-guards';
import { ReadinessRegistry } from './readiness';

/** What every service config has (baseEnvSchema plus its own HTTP_PORT). */
export type ServiceConfig = BaseEnv & { HTTP_PORT: number };

export interface ServiceBootOptions<S extends z.ZodObject> {
  service: string;
  /** The service's environment schema; a bad or missing variable exits 1 naming it. */
  configSchema: S;
  rootModule: (config: z.infer<S>) => DynamicModule;
  /** Runs after the app is listening (e.g. print where clients connect). */
  afterListen?: (app: INestApplication, config: z.infer<S>) => void | Promise<void>;
  /** Runs before the JSON/urlencoded body parsers are installed (e.g. a route that reads its raw body itself). */
  beforeBodyParsers?: (app: NestExpressApplication, config: z.infer<S>) => void;
  /**
   * The microservice transport of the service's `@EventPattern` handlers (libs/platform's
   * `kafkaTransport`). Connected to the app, and started after its modules are initialised and
   * before it listens: a service is ready only once its handlers run.
   */
  transport?: (app: INestApplication, config: z.infer<S>) => CustomTransportStrategy;
}

/**
 * Common start-up of a service: validated config, JSON logs, metrics, HTTP listener,
 * and a SIGTERM/SIGINT shutdown that is bounded in time.
 */
export async function bootService<S extends z.ZodObject>(options: ServiceBootOptions<S>): Promise<INestApplication> {
  try {
    return await boot(options);
  } catch (err) {
    // A service that cannot start exits (the process guards would otherwise keep a half-started one alive).
    rootLogger().fatal({ err, context: 'Bootstrap' }, `${options.service} could not start`);
    rootLogger().flush();
    process.exit(1);
  }
}

async function boot<S extends z.ZodObject>(options: ServiceBootOptions<S>): Promise<INestApplication> {
  process.env.SERVICE_NAME ??= options.service;
  createRootLogger(options.service, process.env.LOG_LEVEL ?? 'info');
  let config: z.infer<S> & ServiceConfig;
  try {
    config = parseConfig(options.configSchema) as z.infer<S> & ServiceConfig;
  } catch (err) {
    if (err instanceof ConfigError) {
      rootLogger().fatal({ problems: err.problems }, err.message);
      // Plain text on stderr too, so a person starting it by hand sees it at once.
      process.stderr.write(`${options.service}: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  createRootLogger(options.service, config.LOG_LEVEL);
  initMetrics(options.service);
  const log = rootLogger().child({ context: 'Bootstrap' });

  const app = await NestFactory.create<NestExpressApplication>(options.rootModule(config), { logger: new NestJsonLogger() });
  options.beforeBodyParsers?.(app, config);
  // Device frames are up to 256 KiB; the content limit itself is an app setting checked with a clear error.
  // No compressed bodies (`inflate: false`): no client here sends them, a body that only claims to
  // be compressed is refused (415 mapped to malformed), and nothing can unpack a zip bomb.
  app.useBodyParser('json', { limit: '512kb', inflate: false });
  app.useBodyParser('urlencoded', { limit: '512kb', extended: false, inflate: false });
  const shutdown = installShutdown(app, config.SHUTDOWN_TIMEOUT_MS);
  installProcessGuards((reason) => shutdown(reason, 1));
  if (options.transport) {
    app.connectMicroservice<MicroserviceOptions>({ strategy: options.transport(app, config) }, { inheritAppConfig: true });
    await app.init();
    await app.startAllMicroservices();
  }
  await app.listen(config.HTTP_PORT, config.HTTP_HOST);
  log.info({ host: config.HTTP_HOST, port: config.HTTP_PORT }, `${options.service} listening on http://${config.HTTP_HOST}:${config.HTTP_PORT}`);
  await options.afterListen?.(app, config);
  return app;
}

/**
 * How long requests in flight may take to be answered once shutdown began. Internal sends take tens
 * of milliseconds; the rest of the budget goes to consumers, producers and the database pool.
 */
const httpGraceMs = (timeoutMs: number) => Math.min(5_000, Math.floor(timeoutMs / 3));

/**
 * Returns the shutdown itself: `(reason, exitCode)`, for a fatal error as well as a signal. In order:
 * readiness answers 503; the HTTP server stops taking connections and requests (see HttpDrain); then
 * Nest's hooks stop the consumers (an unfinished chunk is not committed), the producers and the pool.
 */
function installShutdown(app: NestExpressApplication, timeoutMs: number): (reason: string, exitCode?: number) => void {
  const http = new HttpDrain(app.getHttpServer());
  let closing = false;
  const onSignal = (signal: string, exitCode = 0) => {
    if (closing) return;
    closing = true;
    const log = rootLogger().child({ context: 'Shutdown' });
    log.info({ signal, timeoutMs }, 'shutting down');
    app.get(ReadinessRegistry).markShuttingDown();
    const deadline = setTimeout(() => {
      log.error({ timeoutMs }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    http
      .drain(httpGraceMs(timeoutMs))
      .then((report) => {
        log.info(report, 'HTTP drained');
        return app.close();
      })
      .then(() => {
        log.info('shutdown complete');
        rootLogger().flush();
        process.exit(exitCode);
      })
      .catch((err: Error) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', (signal) => onSignal(signal));
  process.on('SIGINT', (signal) => onSignal(signal));
  return onSignal;
}
