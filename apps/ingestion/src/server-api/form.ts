import { isStorableText } from '@msync/contracts';

/**
 * An `application/x-www-form-urlencoded` body as the Server API receives it: a list goes as the same
 * key repeated (`toUserId=a&toUserId=b`), key order carries no meaning, and a space may come as
 * `%20` (rongcloud-sdk) or `+` (most other clients).
 */
export class FormFields {
  constructor(private readonly fields: ReadonlyMap<string, readonly string[]>) {}

  /** The first value of `name`, or undefined. */
  first(name: string): string | undefined {
    return this.fields.get(name)?.[0];
  }

  /** Every value of `name` in the order sent. */
  all(name: string): readonly string[] {
    return this.fields.get(name) ?? [];
  }

  get isEmpty(): boolean {
    return this.fields.size === 0;
  }

  names(): string[] {
    return [...this.fields.keys()];
  }
}

export class MalformedFormError extends Error {}

const decode = (text: string) => {
  let decoded: string;
  try {
    decoded = decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    // Also what an encoded lone surrogate gives (it is not UTF-8).
    throw new MalformedFormError(`malformed percent-encoding in "${text.slice(0, 40)}"`);
  }
  if (!isStorableText(decoded)) throw new MalformedFormError(`a form field contains NUL or an unpaired surrogate near "${text.slice(0, 40)}"`);
  return decoded;
};

export function parseForm(body: string): FormFields {
  const fields = new Map<string, string[]>();
  for (const pair of body.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
    const values = fields.get(name);
    if (values) values.push(value);
    else fields.set(name, [value]);
  }
  return new FormFields(fields);
}
