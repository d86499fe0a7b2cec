import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Controller, Get, Inject, NotFoundException, Param, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { AppDirectory, INTERNAL_TOKEN_HEADER, type KnownApp } from '@msync/platform';
import { AppSignatureGuard, SignedApp } from '../auth/app-signature.guard';
import { INGESTION_CONFIG, type IngestionConfig } from '../config';
import { newMessageUid } from '../messages/message-uid';

/**
 * Where `npm run build` (tools/client-bundle) puts the pages (dist/console, copied from ./public
 * untouched: swc's CommonJS output of those files is not what a browser loads) and the browser
 * bundle of `@msync/client` (dist/client). This file runs from dist/apps/ingestion/src/console.
 */
const DIST = resolve(__dirname, '..', '..', '..', '..');
const PUBLIC_DIR = join(DIST, 'console');
const CLIENT_BUNDLE_DIR = join(DIST, 'client');
const ASSET = /^[a-z0-9-]+\.(js|css|png|svg)$/;
const CLIENT_FILE = /^msync-client\.js(\.map)?$/;
/** A page over plain HTTP from another host has no crypto.subtle; the page says so itself. */
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/**
 * The app owners' console (`/console`) and the live demo (`/demo`): static pages that sign the
 * management API calls in the browser (the secret never leaves it except as a signature), plus two
 * signed, app-scoped reads the pages need: which settings version each service applies, and traffic.
 */
@Controller()
export class ConsoleController {
  constructor(
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
    private readonly directory: AppDirectory,
    private readonly db: DataSource,
  ) {}

  @Get('console')
  console(@Res() res: Response) {
    this.page(res, 'console.html');
  }

  @Get('demo')
  demo(@Res() res: Response) {
    this.page(res, 'demo.html');
  }

  /** What the pages need to know about this deployment (nothing secret). */
  @Get('console/config')
  pageConfig() {
    return { gatewayUrl: this.config.CONSOLE_GATEWAY_URL };
  }

  @Get('console/assets/:file')
  asset(@Param('file') file: string, @Res() res: Response) {
    if (!ASSET.test(file) || !existsSync(join(PUBLIC_DIR, file))) throw new NotFoundException();
    this.send(res, PUBLIC_DIR, file);
  }

  /** The browser bundle of `@msync/client` (ESM) and its source map (`npm run build`; types are in dist/client). */
  @Get('client/:file')
  client(@Param('file') file: string, @Res() res: Response) {
    if (!CLIENT_FILE.test(file)) throw new NotFoundException();
    this.send(res, CLIENT_BUNDLE_DIR, file);
  }

  /** The settings version each service applies for the signed app (asked with the internal token). */
  @Get('v1/console/settings-applied')
  @UseGuards(AppSignatureGuard)
  async applied(@SignedApp() app: KnownApp) {
    const own = await this.directory.find(app.appKey);
    const peers = await Promise.all(
      this.config.CONSOLE_SERVICE_URLS.map(async ({ name, url }) => {
        try {
          const res = await fetch(`${url}/internal/v1/app-settings/${encodeURIComponent(app.appKey)}`, {
            headers: { [INTERNAL_TOKEN_HEADER]: this.config.INTERNAL_API_TOKEN },
            signal: AbortSignal.timeout(2_000),
          });
          if (!res.ok) return { service: name, version: null, error: `HTTP ${res.status}` };
          const body = (await res.json()) as { version?: unknown };
          return { service: name, version: typeof body.version === 'number' ? body.version : null, error: null };
        } catch (err) {
          return { service: name, version: null, error: err instanceof Error && err.name === 'TimeoutError' ? 'no answer in 2 s' : 'unreachable' };
        }
      }),
    );
    return { services: [{ service: 'ingestion', version: own?.settingsVersion ?? null, error: null }, ...peers] };
  }

  /**
   * The signed app's traffic, counted in PostgreSQL: stored messages accepted in the last 10 s and
   * 60 s (message UIDs are time-ordered, so this is a range of the primary key) and the devices
   * connected now (sessions on gateways seen in the last 15 s, as presence counts them). Transient messages are not stored and not counted.
   */
  @Get('v1/console/stats')
  @UseGuards(AppSignatureGuard)
  async stats(@SignedApp() app: KnownApp) {
    const now = Date.now();
    const since = (ms: number) => newMessageUid(now - ms).slice(0, 9);
    const [messages] = (await this.db.query(
      `SELECT count(*) FILTER (WHERE message_uid >= $2)::int AS last10s, count(*)::int AS last60s
         FROM messages WHERE app_key = $1 AND message_uid >= $3`,
      [app.appKey, since(10_000), since(60_000)],
    )) as { last10s: number; last60s: number }[];
    const platforms = (await this.db.query(
      `SELECT s.platform, count(*)::int AS n FROM sessions s JOIN gateways g ON g.gateway_id = s.gateway_id
        WHERE s.app_key = $1 AND g.last_seen_at > now() - interval '15 seconds' GROUP BY s.platform`,
      [app.appKey],
    )) as { platform: string; n: number }[];
    const byPlatform = Object.fromEntries(platforms.map((p) => [p.platform, p.n]));
    return {
      at: now,
      messagesPerSecond: Math.round((messages.last10s / 10) * 10) / 10,
      messagesLastMinute: messages.last60s,
      connectedDevices: platforms.reduce((sum, p) => sum + p.n, 0),
      byPlatform,
    };
  }

  private page(res: Response, file: string) {
    const gateway = new URL(this.config.CONSOLE_GATEWAY_URL);
    res.setHeader(
      'content-security-policy',
      `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ${gateway.protocol}//${gateway.host}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    );
    this.send(res, PUBLIC_DIR, file);
  }

  private send(res: Response, dir: string, file: string) {
    if (!existsSync(join(dir, file))) throw new NotFoundException(`${file} is missing: run \`npm run build\``);
    res.set(SECURITY_HEADERS);
    res.sendFile(file, { root: dir, dotfiles: 'deny' });
  }
}
