import { requestSignature, signatureMatches, signatureTimestampMs } from './request-signature';

describe('Server API request signature', () => {
  it('is the lowercase hex SHA1 of secret + nonce + timestamp (the value captured from rongcloud-sdk 3.1.1)', () => {
    expect(requestSignature('s3cr3t', '16628447', '1795630660')).toBe('bf21ef6d44fe25d3b2893239c4f5fd06fa09b674');
  });

  it('matches upper-case hex too and refuses any other value', () => {
    expect(signatureMatches('s3cr3t', '16628447', '1795630660', 'BF21EF6D44FE25D3B2893239C4F5FD06FA09B674')).toBe(true);
    expect(signatureMatches('s3cr3t', '16628447', '1795630661', 'bf21ef6d44fe25d3b2893239c4f5fd06fa09b674')).toBe(false);
    expect(signatureMatches('s3cr3t', '16628447', '1795630660', 'bf21')).toBe(false);
  });
});

describe('signatureTimestampMs', () => {
  it('reads seconds (what the SDKs send) and milliseconds (what the docs say)', () => {
    expect(signatureTimestampMs('1795630660')).toBe(1_795_630_660_000);
    expect(signatureTimestampMs('1795630660586')).toBe(1_795_630_660_586);
    expect(signatureTimestampMs('999999999999')).toBe(999_999_999_999_000);
    expect(signatureTimestampMs('1000000000000')).toBe(1_000_000_000_000);
  });

  it('refuses anything that is not a non-negative integer', () => {
    for (const bad of ['', '-1', '1.5', 'abc', '1e12', '12345678901234567']) expect(signatureTimestampMs(bad)).toBeUndefined();
  });
});
