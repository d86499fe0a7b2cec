/**
 * TypeORM's `query()` answers UPDATE and DELETE statements as `[rows, rowCount]` (INSERT and SELECT
 * as plain rows). This returns the rows either way.
 */
export function returningRows<T>(raw: unknown): T[] {
  if (Array.isArray(raw) && raw.length === 2 && Array.isArray(raw[0]) && typeof raw[1] === 'number') return raw[0] as T[];
  return raw as T[];
}
