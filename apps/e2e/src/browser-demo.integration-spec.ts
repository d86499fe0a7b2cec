import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signedHeaders } from '@msync/auth';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { REPO_ROOT, TEST_ADMIN_TOKEN, createApp, freePort, startService, waitFor, type ServiceProcess, type TestApp } from '@msync/testing';

/**
 * The console (/console) and the live demo (/demo) in a real browser: Debian's Chromium driven by
 * playwright-core, against the five services as processes. Everything asserted is what a person
 * sees (DOM text), with counts and order. Screenshots go to docs/images/ with UPDATE_SCREENSHOTS=1.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ALICE = ['mobile', 'web', 'desktop', 'miniprogram'].map((p) => `alice-${p}`);
const BOB = ['mobile', 'web'].map((p) => `bob-${p}`);
const ALL = [...ALICE, ...BOB];
/** UPDATE_SCREENSHOTS=1 refreshes the committed pictures in docs/images; otherwise they go to a temp folder (no churn in git). */
const IMAGES = process.env.UPDATE_SCREENSHOTS === '1' ? join(REPO_ROOT, 'docs', 'images') : join(tmpdir(), 'msync-screenshots');

describe('console and demo in a real browser', () => {
  const services: ServiceProcess[] = [];
  let ingestion: ServiceProcess;
  let app: TestApp;
  let context: BrowserContext;
  let userDataDir: string;
  let consolePage: Page;
  let demo: Page;
  // Each run has its own app, hence its own users and streams: these texts are this run's only.
  const PHRASES = ['', 'Hi Bob! Are you around?', 'Oops, wrong chat', 'Lunch at 12:30?', 'Sure, see you there', 'Booked a table for two', 'Running 5 min late'];
  const text = (n: number) => PHRASES[n];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run and deploy/local/test.sh do)`);
    // jest's global setup compiles with swc only: the pages and the client bundle come from this step of `npm run build`.
    execFileSync(process.execPath, [join(REPO_ROOT, 'dist/tools/client-bundle/client-bundle.cli.js')], { stdio: 'inherit' });

    const [recall, compensation, fanout] = await Promise.all([startService('recall'), startService('compensation'), startService('fanout')]);
    services.push(recall, compensation, fanout);
    // Ingestion tells the page where the gateway is, and asks every service which settings version it applies.
    const sessionPort = await freePort();
    const sessionUrl = `http://127.0.0.1:${sessionPort}`;
    ingestion = await startService('ingestion', {
      env: {
        RECALL_URL: recall.url,
        CONSOLE_GATEWAY_URL: `ws://127.0.0.1:${sessionPort}/ws`,
        CONSOLE_SERVICE_URLS: `session=${sessionUrl},fanout=${fanout.url},recall=${recall.url},compensation=${compensation.url}`,
      },
    });
    services.push(ingestion);
    services.push(
      await startService('session', { port: sessionPort, env: { INGESTION_URL: ingestion.url, COMPENSATION_URL: compensation.url, RECALL_URL: recall.url } }),
    );
    app = await createApp(ingestion.url, 'browser-demo');

    userDataDir = mkdtempSync(join(tmpdir(), 'msync-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: { width: 1440, height: 1000 },
      deviceScaleFactor: 1,
    });
    consolePage = context.pages()[0] ?? (await context.newPage());
    mkdirSync(IMAGES, { recursive: true });
  }, 240_000);

  afterAll(async () => {
    // What every pane showed at the end: the first thing to read when a step above failed.
    if (demo) for (const id of ALL) process.stdout.write(`${id}: ${(await pane(id).textContent().catch(() => ''))?.replace(/\s+/g, ' ')}\n`);
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await Promise.all(services.map((s) => s.stop('SIGTERM')));
  });

  async function signIn(page: Page, secret: string) {
    await page.locator('#signin input[name=appKey]').fill(app.appKey);
    await page.locator('#signin input[name=secret]').fill(secret);
    await page.locator('#signin button[type=submit]').click();
  }

  const pane = (id: string): Locator => demo.locator(`[data-pane="${id}"]`);
  const texts = (id: string) => pane(id).locator('.msg .text').allTextContents();
  const ours = async (id: string) => (await texts(id)).filter((t) => PHRASES.includes(t));

  async function send(from: string, message: string) {
    const input = pane(from).locator('.compose input');
    await input.fill(message);
    await input.press('Enter');
    await waitFor(async () => (await pane(from).locator('.msg.mine', { hasText: message }).locator('.seq').textContent())?.startsWith('sent'), `${from} to get "${message}" accepted`);
  }

  async function allOnline(ids = ALL) {
    await waitFor(async () => {
      for (const id of ids) if ((await pane(id).getAttribute('data-state')) !== 'online') return false;
      return true;
    }, `panes ${ids.join(', ')} online`, 30_000);
  }

  it('a bad secret is refused with a clear message, and nothing is kept', async () => {
    await consolePage.goto(`${ingestion.url}/console`);
    await signIn(consolePage, 'not-the-secret');
    const error = consolePage.locator('#signin .error');
    await waitFor(async () => (await error.textContent())?.trim(), 'the sign-in error');
    expect(await error.textContent()).toBe('Refused: unknown app key or wrong secret (the signature did not match).');
    expect(await consolePage.locator('#signed-in').isHidden()).toBe(true);
    expect(await consolePage.evaluate('sessionStorage.length')).toBe(0);
  });

  it('the console signs in with the app key and secret and shows every setting with its version', async () => {
    await signIn(consolePage, app.secret);
    await consolePage.locator('#signed-in').waitFor({ state: 'visible' });
    expect(await consolePage.locator('#settings-version').textContent()).toBe('version 1');
    const labels = await consolePage.locator('#settings label').allTextContents();
    for (const name of ['Multi-device sync', 'Devices per platform', 'Web connection limit', 'Compensation window', 'Retention', 'Transient message types', 'Content limit', 'Server API rate limit', 'Strict signatures']) {
      expect(labels.some((l) => l.includes(name))).toBe(true);
    }
    expect(await consolePage.locator('#settings input[name=multiDeviceSync]').isChecked()).toBe(true);
    // The secret is in this tab's session storage, never in the URL.
    expect(consolePage.url()).toBe(`${ingestion.url}/console`);
  });

  it('the demo connects four devices of alice and two of bob over real WebSockets', async () => {
    demo = await context.newPage();
    await demo.goto(`${ingestion.url}/demo`);
    await signIn(demo, app.secret);
    await demo.locator('body[data-ready=true]').waitFor({ timeout: 60_000 });
    await allOnline();
    expect(await demo.locator('#user-alice .pane').count()).toBe(4);
    expect(await demo.locator('#user-bob .pane').count()).toBe(2);
    expect(await demo.locator('#mode').textContent()).toContain('Multi-device sync: ON');
    // A new device gets the (empty) compensation window: the channel list says so.
    expect(await pane('bob-web').locator('.channels').textContent()).toMatch(/^New device: compensation window since .* is empty\.$/);
  }, 90_000);

  it('a message typed in one pane appears once in every other pane of both users, in order; typing shows on the peer', async () => {
    await pane('alice-web').locator('.compose input').fill('typing…');
    await waitFor(async () => (await pane('bob-mobile').locator('.typing').textContent()) === 'alice is typing…', 'bob to see alice typing');
    expect(await pane('bob-web').locator('.typing').textContent()).toBe('alice is typing…');
    expect(await pane('alice-desktop').locator('.typing').textContent()).toBe(''); // the sender's own devices do not get it
    await pane('alice-web').locator('.compose input').fill('');

    await send('alice-mobile', text(1));
    await send('alice-mobile', text(2));
    await send('alice-mobile', text(3));
    await waitFor(async () => (await Promise.all(ALL.map(ours))).every((t) => t.length === 3), 'every pane to show 3 messages');
    await send('bob-web', text(4));
    await waitFor(async () => (await Promise.all(ALL.map(ours))).every((t) => t.length === 4), 'every pane to show 4 messages');
    await new Promise((r) => setTimeout(r, 500)); // nothing doubled arrives late
    for (const id of ALL) expect(await ours(id)).toEqual([text(1), text(2), text(3), text(4)]);
    // Who sent what, as each device shows it.
    expect(await pane('alice-desktop').locator('.msg', { hasText: text(1) }).locator('.from').textContent()).toBe('me, on mobile');
    expect(await pane('bob-mobile').locator('.msg', { hasText: text(1) }).locator('.from').textContent()).toBe('alice');
  });

  it('recall clears the message in every pane', async () => {
    await pane('alice-mobile').locator('.msg', { hasText: text(2) }).locator('.recall').click();
    await waitFor(async () => (await Promise.all(ALL.map(ours))).every((t) => !t.includes(text(2))), 'the recalled text to vanish everywhere');
    for (const id of ALL) {
      expect(await ours(id)).toEqual([text(1), text(3), text(4)]);
      expect(await pane(id).locator('.msg.recalled .text').allTextContents()).toEqual(['message recalled']);
    }
  });

  it('an offline pane catches up when it comes back', async () => {
    await pane('bob-mobile').getByRole('button', { name: 'Go offline' }).click();
    await waitFor(async () => (await pane('bob-mobile').getAttribute('data-state')) === 'offline', 'bob-mobile offline');
    await send('alice-desktop', text(5));
    await waitFor(async () => (await ours('bob-web')).includes(text(5)), 'bob-web to get message 5');
    await new Promise((r) => setTimeout(r, 500));
    expect(await ours('bob-mobile')).toEqual([text(1), text(3), text(4)]);
    await pane('bob-mobile').getByRole('button', { name: 'Go online' }).click();
    await waitFor(async () => (await ours('bob-mobile')).includes(text(5)), 'bob-mobile to catch up');
    expect(await ours('bob-mobile')).toEqual([text(1), text(3), text(4), text(5)]);
  });

  it('a reinstalled pane gets the compensation window and shows the channel list', async () => {
    await pane('alice-miniprogram').getByRole('button', { name: 'Reinstall' }).click();
    const channels = pane('alice-miniprogram').locator('.channels .channel');
    await waitFor(async () => (await channels.count()) === 1, 'the channel list');
    expect(await channels.textContent()).toContain('bob');
    expect(await channels.textContent()).toContain(text(5));
    await waitFor(async () => (await ours('alice-miniprogram')).length === 4, 'the window replayed');
    expect(await ours('alice-miniprogram')).toEqual([text(1), text(3), text(4), text(5)]);
    expect(await pane('alice-miniprogram').locator('.msg.recalled').count()).toBe(1);
    await demo.screenshot({ path: join(IMAGES, 'demo.png'), fullPage: true });
  });

  it('the console shows the live traffic and the devices of a user', async () => {
    await waitFor(async () => (await consolePage.locator('#stat-devices').textContent()) === '6', 'six connected devices in the traffic view', 10_000);
    // Five stored messages in the last minute (typing indicators are transient: not stored, not counted).
    await waitFor(async () => (await consolePage.locator('#stat-minute').textContent()) === '5', 'five messages in the last minute', 10_000);
    await consolePage.locator('#user-lookup input').fill('alice');
    await consolePage.locator('#user-lookup button').click();
    await waitFor(async () => (await consolePage.locator('#user-presence').textContent())?.startsWith('alice: online on 4 devices'), 'alice presence');
    expect(await consolePage.locator('#devices tbody tr').count()).toBe(4);

    // Scoped to the signed app: another app sees none of this app's traffic, and nobody unsigned does.
    const other = await createApp(ingestion.url, 'browser-demo-other');
    const stats = await fetch(`${ingestion.url}/v1/console/stats`, { headers: signedHeaders(other.appKey, other.secret) });
    expect(await stats.json()).toMatchObject({ messagesLastMinute: 0, connectedDevices: 0 });
    for (const path of ['/v1/console/stats', '/v1/console/settings-applied']) expect((await fetch(`${ingestion.url}${path}`)).status).toBe(401);
  });

  it('turning multi-device sync off in the console is applied everywhere, and the demo then behaves as single-device', async () => {
    await consolePage.locator('#settings input[name=multiDeviceSync]').uncheck();
    await consolePage.locator('#settings button[type=submit]').click();
    const status = consolePage.locator('#settings-status');
    await waitFor(async () => /applied by all 5 services/.test((await status.textContent()) ?? ''), 'the change to be applied by every service', 15_000);
    expect(await consolePage.locator('#settings-version').textContent()).toMatch(/^version \d+$/);
    expect(await consolePage.locator('#applied tbody tr.ok').count()).toBe(5);

    await waitFor(async () => (await demo.locator('#mode').textContent())?.includes('Multi-device sync: OFF'), 'the demo to see the change', 10_000);
    await demo.locator('body[data-sync=off]').waitFor({ timeout: 20_000 }); // every pane reconnected in the new mode
    await allOnline();
    await send('alice-mobile', text(6));
    await waitFor(async () => (await Promise.all(BOB.map(ours))).filter((t) => t.includes(text(6))).length === 1, 'one of bob’s devices to get message 6');
    await new Promise((r) => setTimeout(r, 1_500));
    // Exactly one of bob's devices shows it; alice's other devices get nothing of what she sent.
    expect((await Promise.all(BOB.map(ours))).filter((t) => t.includes(text(6))).length).toBe(1);
    for (const id of ['alice-web', 'alice-desktop', 'alice-miniprogram']) expect(await ours(id)).not.toContain(text(6));
    await consolePage.locator('#user-lookup button').click();
    await new Promise((r) => setTimeout(r, 2_500)); // a fresh traffic sample
    await consolePage.screenshot({ path: join(IMAGES, 'console.png'), fullPage: true });
    await demo.screenshot({ path: join(IMAGES, 'demo-single-device.png'), fullPage: true });
  }, 60_000);

  it('the operator token creates an app in the console (a wrong one is refused) and the new app can be signed in', async () => {
    const page = await context.newPage();
    await page.goto(`${ingestion.url}/console`);
    const form = page.locator('#create-app');
    await form.locator('input[name=adminToken]').fill('wrong-operator-token-000000');
    await form.locator('input[name=name]').fill('created in the console');
    await form.locator('button[type=submit]').click();
    await waitFor(async () => (await form.locator('.error').textContent())?.trim(), 'the operator error');
    expect(await form.locator('.error').textContent()).toBe('Refused: the operator token is wrong.');
    await form.locator('input[name=adminToken]').fill(TEST_ADMIN_TOKEN);
    await form.locator('button[type=submit]').click();
    await page.locator('#created').waitFor({ state: 'visible' });
    expect(await form.locator('.error').textContent()).toBe('');
    expect(await page.locator('#created-secret').textContent()).toMatch(/^[A-Za-z0-9_-]{32}$/);
    await page.locator('#use-created').click();
    await page.locator('#signed-in').waitFor({ state: 'visible' });
    expect(await page.locator('#settings-version').textContent()).toBe('version 1');
    expect(await page.locator('#who-app').textContent()).toBe(`app ${await page.locator('#created-key').textContent()}`);
    await page.close();
  });
});
