import fc from 'fast-check';
import { arr, lit, obj, raw, type JNode } from './json-node';

/** Strings that have broken services before: NUL, lone surrogates, number look-alikes, prototype keys, separators. */
export const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  'RC:Txt\u0000Msg',
  '\ud800',
  '\udfff',
  'x\ud800y',
  '\udc00\ud800',
  '\ud83d\ude00',
  '\ufeff',
  '\u2028\u2029',
  '\u202e\u0645\u0631\u062d\u0628\u0627',
  'e\u0301\u0301\u0301',
  'NaN',
  'Infinity',
  '-Infinity',
  'null',
  'undefined',
  'true',
  '1e999',
  '-0',
  '0x1f',
  '\u0661\u0662\u0663',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '%00',
  '%',
  '%ZZ',
  '&=&=',
  'a+b c',
  '\r\n\r\n',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '../../etc/passwd',
  '${jndi:ldap://x}',
  'user@example.com',
  'A'.repeat(64),
  'A'.repeat(65),
  'A'.repeat(129),
  'A'.repeat(2049),
];

/** Numbers at and beyond every boundary a schema might have. */
export const NASTY_NUMBERS: readonly number[] = [
  0,
  -1,
  1,
  1.5,
  -0.5,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  -Number.MAX_SAFE_INTEGER - 2,
  1e21,
  1e308,
  -1e308,
  5e-324,
  43_200,
  43_201,
  128 * 1024,
  128 * 1024 + 1,
];

/** Number text JSON.parse accepts but JSON.stringify never writes, plus a few it refuses. */
export const RAW_NUMBER_TEXT: readonly string[] = ['-0', '1e400', '-1e400', '123456789012345678901234567890', '1E2', '0.0000000000000000001', '1.0'];
export const NOT_JSON_NUMBER_TEXT: readonly string[] = ['NaN', 'Infinity', '-Infinity', '+1', '01', '.5', '0x10', 'undefined'];

/** Random strings of every code unit, lone surrogates included. */
export const anyString = (maxLength = 40): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength }) },
    { weight: 2, arbitrary: fc.string({ maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('\u0000', '\ud800', '\udc00', 'a', '\u00e9', '\ud83d\ude00'), maxLength: 8 }) },
  );

/** A string with a NUL or a lone surrogate somewhere in it. */
export const unsafeString: fc.Arbitrary<string> = fc
  .tuple(fc.string({ maxLength: 12 }), fc.constantFrom('\u0000', '\ud800', '\udbff', '\udc00', '\udfff'), fc.string({ maxLength: 12 }))
  .map(([a, bad, b]) => `${a}${bad}${b}`);

export const anyNumber: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_NUMBERS) },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
);

/** Object keys: ordinary ones, prototype names, unsafe text. */
export const anyKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('t', 'id', 'a', 'content', 'seq', '__proto__', 'constructor', 'prototype', 'toString', '') },
  { weight: 2, arbitrary: anyString(12) },
  { weight: 1, arbitrary: unsafeString },
);

export const scalarNode: fc.Arbitrary<JNode> = fc.oneof(
  { weight: 4, arbitrary: anyString().map(lit) },
  { weight: 3, arbitrary: anyNumber.map(lit) },
  { weight: 1, arbitrary: fc.constantFrom(...RAW_NUMBER_TEXT).map(raw) },
  { weight: 1, arbitrary: fc.constantFrom<JNode>(lit(true), lit(false), lit(null)) },
);

/** Random JSON trees (a few levels deep) made of nasty scalars and keys. */
export const jsonNode: fc.Arbitrary<JNode> = fc.letrec<{ node: JNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: scalarNode },
    { weight: 1, arbitrary: fc.array(tie('node'), { maxLength: 5 }).map(arr) },
    { weight: 1, arbitrary: fc.array(fc.tuple(anyKey, tie('node')), { maxLength: 5 }).map(obj) },
  ),
})).node;

/** Deep nesting of arrays or objects: the depths that overflowed recursive code, and a few others. */
export const deepDepth: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(5_000, 20_000) },
  { weight: 1, arbitrary: fc.constantFrom(33, 64, 1_000, 10_000, 50_000) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 30_000 }) },
);
