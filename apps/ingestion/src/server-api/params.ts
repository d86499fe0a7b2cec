import type { FormFields } from './form';
import { RcCode, ServerApiError } from './server-api-error';

/**
 * Declarative parameters of a Server API endpoint: one definition validates the request and
 * describes it in the OpenAPI document. Checks run in declaration order; the first failure answers.
 * A value that is empty or the literal text `undefined` (what rongcloud-sdk 3.1.1 sends for an
 * optional field left out, e.g. `groupName=undefined`) counts as missing.
 */
export interface Param<T> {
  readonly required: boolean;
  readonly description: string;
  read(name: string, form: FormFields): T;
  /** The OpenAPI schema of the form field. */
  schema(): Record<string, unknown>;
}

export type ParamSet = Record<string, Param<unknown>>;
export type ParamValues<S extends ParamSet> = { [K in keyof S]: S[K] extends Param<infer T> ? T : never };

const present = (value: string | undefined): value is string => value !== undefined && value !== '' && value !== 'undefined';
const fail = (code: Exclude<RcCode, 200>, message: string): never => {
  throw new ServerApiError(code, message);
};

interface TextRules {
  description: string;
  maxLength: number;
  /** Checked after the length; a mismatch is a parameter error. */
  pattern?: RegExp;
  patternHint?: string;
}

function checkText(name: string, value: string, rules: TextRules): string {
  if (value.length > rules.maxLength) fail(RcCode.TOO_LONG, `${name}: longer than ${rules.maxLength} characters`);
  if (rules.pattern && !rules.pattern.test(value)) fail(RcCode.PARAMETER, `${name}: ${rules.patternHint ?? 'invalid format'}`);
  return value;
}

const textSchema = (rules: TextRules, extra: Record<string, unknown> = {}) => ({
  type: 'string',
  description: rules.description,
  maxLength: rules.maxLength,
  ...(rules.pattern ? { pattern: rules.pattern.source } : {}),
  ...extra,
});

export function requiredText(rules: TextRules): Param<string> {
  return {
    required: true,
    description: rules.description,
    read: (name, form) => {
      const value = form.first(name);
      return present(value) ? checkText(name, value, rules) : fail(RcCode.PARAMETER, `${name}: required`);
    },
    schema: () => textSchema(rules),
  };
}

export function optionalText(rules: TextRules): Param<string | undefined> {
  return {
    required: false,
    description: rules.description,
    read: (name, form) => {
      const value = form.first(name);
      return present(value) ? checkText(name, value, rules) : undefined;
    },
    schema: () => textSchema(rules),
  };
}

/** A repeated key (`toUserId=a&toUserId=b`); duplicates are dropped, order kept. */
export function textList(rules: TextRules & { required: boolean; maxItems: number }): Param<string[]> {
  return {
    required: rules.required,
    description: rules.description,
    read: (name, form) => {
      const values = [...new Set(form.all(name).filter(present))];
      if (rules.required && values.length === 0) fail(RcCode.PARAMETER, `${name}: required`);
      if (values.length > rules.maxItems) fail(RcCode.TOO_MANY, `${name}: at most ${rules.maxItems} values (got ${values.length})`);
      return values.map((v) => checkText(name, v, rules));
    },
    schema: () => ({ type: 'array', description: `${rules.description} Repeat the key for each value.`, maxItems: rules.maxItems, items: textSchema(rules) }),
  };
}

interface IntRules {
  description: string;
  min: number;
  max: number;
}

function readInt(name: string, value: string, rules: IntRules): number {
  if (!/^-?\d{1,16}$/.test(value)) fail(RcCode.WRONG_TYPE, `${name}: must be an integer`);
  const n = Number(value);
  if (n < rules.min || n > rules.max) fail(RcCode.PARAMETER, `${name}: must be between ${rules.min} and ${rules.max}`);
  return n;
}

const intSchema = (rules: IntRules) => ({ type: 'integer', format: 'int64', description: rules.description, minimum: rules.min, maximum: rules.max });

export function requiredInt(rules: IntRules): Param<number> {
  return {
    required: true,
    description: rules.description,
    read: (name, form) => {
      const value = form.first(name);
      return present(value) ? readInt(name, value, rules) : fail(RcCode.PARAMETER, `${name}: required`);
    },
    schema: () => intSchema(rules),
  };
}

export function optionalInt(rules: IntRules): Param<number | undefined> {
  return {
    required: false,
    description: rules.description,
    read: (name, form) => {
      const value = form.first(name);
      return present(value) ? readInt(name, value, rules) : undefined;
    },
    schema: () => intSchema(rules),
  };
}

/** `1`/`0` or `true`/`false` (any case); missing or empty: the default. */
export function flag(description: string, defaultValue: boolean): Param<boolean> {
  return {
    required: false,
    description,
    read: (name, form) => {
      const value = form.first(name);
      if (!present(value)) return defaultValue;
      const lower = value.toLowerCase();
      if (lower === '1' || lower === 'true') return true;
      if (lower === '0' || lower === 'false') return false;
      return fail(RcCode.WRONG_TYPE, `${name}: must be 0, 1, true or false`);
    },
    schema: () => ({ type: 'string', enum: ['0', '1', 'true', 'false'], default: defaultValue ? '1' : '0', description }),
  };
}

/** Validates every parameter of the set; a body without any field answers 1003 when something is required. */
export function readParams<S extends ParamSet>(params: S, form: FormFields): ParamValues<S> {
  const entries = Object.entries(params);
  if (form.isEmpty && entries.some(([, p]) => p.required)) fail(RcCode.NO_POST_DATA, 'no POST data');
  const values: Record<string, unknown> = {};
  for (const [name, param] of entries) values[name] = param.read(name, form);
  return values as ParamValues<S>;
}
