import { requestSignature } from '@msync/auth';
import { DomainError, defaultAppSettings } from '@msync/contracts';
import type { AppDirectory, KnownApp } from '@msync/platform';
import { RequestVerifier, STRICT_TIMESTAMP_WINDOW_MS } from './request-verifier';

const app = (strictSignature: boolean): KnownApp => ({
  appKey: 'k3y',
  secret: 's3cr3t',
  settings: { ...defaultAppSettings(), strictSignature },
  settingsVersion: 1,
  disabled: false,
});
const verifierFor = (known: KnownApp) => new RequestVerifier({ find: async (key: string) => (key === known.appKey ? known : null) } as unknown as AppDirectory);
const headers = (nonce: string, timestamp: string, secret = 's3cr3t', prefix = '') => ({
  [`${prefix}app-key`]: 'k3y',
  [`${prefix}nonce`]: nonce,
  [`${prefix}timestamp`]: timestamp,
  [`${prefix}signature`]: requestSignature(secret, nonce, timestamp),
});
const failure = async (p: Promise<unknown>) => p.then(() => 'accepted', (err: DomainError) => `${err.code}: ${err.message}`);

describe('RequestVerifier', () => {
  const NOW = 1_795_630_660_586;

  it('accepts what rongcloud-sdk 3.1.1 sends: the same nonce and a seconds timestamp on every request, even an old one', async () => {
    const verifier = verifierFor(app(false));
    const fixed = headers('16628447', String(Math.floor(NOW / 1000) - 86_400));
    await expect(verifier.verify(fixed, NOW)).resolves.toMatchObject({ appKey: 'k3y' });
    await expect(verifier.verify(fixed, NOW)).resolves.toMatchObject({ appKey: 'k3y' });
  });

  it('accepts the RC- prefixed header names', async () => {
    await expect(verifierFor(app(false)).verify(headers('1', '2', 's3cr3t', 'rc-'), NOW)).resolves.toMatchObject({ appKey: 'k3y' });
  });

  it('refuses a wrong secret, an unknown app key and missing headers as signature_invalid', async () => {
    const verifier = verifierFor(app(false));
    expect(await failure(verifier.verify(headers('1', '2', 'wrong'), NOW))).toMatch(/^signature_invalid/);
    expect(await failure(verifier.verify({ ...headers('1', '2'), 'app-key': 'other' }, NOW))).toMatch(/^signature_invalid/);
    expect(await failure(verifier.verify({ 'app-key': 'k3y', nonce: '1', timestamp: '2' }, NOW))).toMatch(/^signature_invalid/);
  });

  describe('strict mode', () => {
    it('accepts a fresh timestamp in seconds or milliseconds', async () => {
      const verifier = verifierFor(app(true));
      expect(await failure(verifier.verify(headers('a', String(NOW)), NOW))).toBe('accepted');
      expect(await failure(verifier.verify(headers('b', String(Math.floor(NOW / 1000))), NOW))).toBe('accepted');
    });

    it('refuses a timestamp outside the window, either way, and one that is not a number', async () => {
      const verifier = verifierFor(app(true));
      const late = String(NOW - STRICT_TIMESTAMP_WINDOW_MS - 1000);
      const early = String(NOW + STRICT_TIMESTAMP_WINDOW_MS + 1000);
      expect(await failure(verifier.verify(headers('a', late), NOW))).toMatch(/^signature_invalid: Timestamp/);
      expect(await failure(verifier.verify(headers('b', early), NOW))).toMatch(/^signature_invalid: Timestamp/);
      expect(await failure(verifier.verify(headers('c', 'soon'), NOW))).toMatch(/^signature_invalid: Timestamp/);
    });

    it('refuses a nonce used before within the window (a replay)', async () => {
      const verifier = verifierFor(app(true));
      expect(await failure(verifier.verify(headers('n1', String(NOW)), NOW))).toBe('accepted');
      expect(await failure(verifier.verify(headers('n1', String(NOW + 1)), NOW + 1))).toMatch(/^signature_invalid: Nonce/);
      expect(await failure(verifier.verify(headers('n2', String(NOW + 1)), NOW + 1))).toBe('accepted');
    });
  });
});
