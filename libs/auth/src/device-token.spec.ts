import { DomainError } from '@msync/contracts';
import { issueDeviceToken, tokenAppKey, verifyDeviceToken } from './device-token';
import { requestSignature, signatureMatches } from './request-signature';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as DomainError).code;
  }
  return 'no error';
};

describe('device tokens', () => {
  it('round-trips the claims', () => {
    const { token, claims } = issueDeviceToken('s3cret', { appKey: 'app1', userId: 'alice', ttlMs: 60_000, now: 1_000 });
    expect(tokenAppKey(token)).toBe('app1');
    expect(verifyDeviceToken(token, 's3cret', 2_000)).toEqual(claims);
  });

  it('refuses another secret, a tampered payload, an expired token and garbage', () => {
    const { token } = issueDeviceToken('s3cret', { appKey: 'app1', userId: 'alice', ttlMs: 1_000, now: 1_000 });
    expect(codeOf(() => verifyDeviceToken(token, 'other'))).toBe('token_invalid');
    const [v, app, , sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ u: 'mallory', iat: 1_000, jti: 'x' })).toString('base64url');
    expect(codeOf(() => verifyDeviceToken([v, app, forged, sig].join('.'), 's3cret', 1_500))).toBe('token_invalid');
    expect(codeOf(() => verifyDeviceToken(token, 's3cret', 2_000))).toBe('token_expired');
    expect(codeOf(() => verifyDeviceToken('nonsense', 's3cret'))).toBe('token_invalid');
  });
});

describe('request signature', () => {
  it('is hex SHA1 of secret + nonce + timestamp, compared case-insensitively', () => {
    const sig = requestSignature('secret', '123', '456');
    expect(sig).toBe('a5745fc337e552df12f6a61bb41fe1bf4cdbbb78'); // sha1sum of "secret123456"
    expect(signatureMatches('secret', '123', '456', sig.toUpperCase())).toBe(true);
    expect(signatureMatches('secret', '123', '457', sig)).toBe(false);
  });
});
