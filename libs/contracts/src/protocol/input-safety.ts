/**
 * Checks every value that enters the system (a device frame, an HTTP body, a form, an inbound command)
 * must pass before its schema is even looked at. PostgreSQL cannot store a NUL character (text and
 * jsonb alike) nor a lone UTF-16 surrogate, and deeply nested values overflow the stack of any
 * recursive code that touches them later (JSON.stringify, zod, logging). So a value is refused at the
 * edge with a path to the problem, and nothing past the edge has to think about it.
 */

/** Deepest nesting of objects and arrays accepted anywhere (a chat message needs a handful). */
export const MAX_INPUT_DEPTH = 32;

export interface InputProblem {
  /** Where, as `a.b[3]` (keys are cut to 40 characters). */
  path: string;
  kind: 'too_deep' | 'unsafe_text';
  message: string;
}

// A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const UNSAFE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when PostgreSQL can store the string as text and jsonb. */
export function isStorableText(text: string): boolean {
  return !UNSAFE_TEXT.test(text);
}

const keyPath = (parent: string, key: string | number): string =>
  typeof key === 'number' ? `${parent}[${key}]` : parent === '' ? key.slice(0, 40) : `${parent}.${key.slice(0, 40)}`;

/**
 * The first problem of a parsed JSON value (or undefined): nesting deeper than `maxDepth`, or a
 * string or key that is not storable text. Iterative, so no input can overflow the stack here.
 */
export function findInputProblem(value: unknown, maxDepth = MAX_INPUT_DEPTH): InputProblem | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop()!;
    if (typeof current === 'string') {
      if (!isStorableText(current)) return unsafeText(path);
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= maxDepth) {
      return { path: path || '(value)', kind: 'too_deep', message: `${path || '(value)'}: nested deeper than ${maxDepth} levels` };
    }
    if (Array.isArray(current)) {
      for (let i = 0; i < current.length; i++) stack.push({ value: current[i], path: keyPath(path, i), depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(current)) {
      const childPath = keyPath(path, key);
      if (!isStorableText(key)) return unsafeText(childPath);
      stack.push({ value: (current as Record<string, unknown>)[key], path: childPath, depth: depth + 1 });
    }
  }
  return undefined;
}

function unsafeText(path: string): InputProblem {
  const where = path || '(value)';
  return { path: where, kind: 'unsafe_text', message: `${where}: text must not contain NUL or unpaired surrogates` };
}

/** A plain JSON object (not null, not an array): the only shape a frame or a JSON body may have. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
