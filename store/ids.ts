// Record ids: short random keys for the outside world, RecordId inside SurrealDB queries.
import { randomBytes } from 'node:crypto';
import { RecordId } from 'surrealdb';
import { z } from 'zod';
import { AppError } from '../core/errors.ts';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** 16 base32 characters (80 bits): short enough for a model to copy, long enough never to clash. */
export function newId(): string {
  const bytes = randomBytes(18);
  let out = '';
  for (let i = 0; i < 16; i++) out += ALPHABET[bytes[i]! % 32];
  // At least one digit, so an id in a sentence reads as an id and never as a 16-letter word (the
  // planner takes a 16-character token for an id only if it holds a digit): 1 in 28 had none.
  if (!/\d/.test(out)) {
    const at = bytes[16]! % 16;
    out = `${out.slice(0, at)}${ALPHABET[26 + (bytes[17]! % 6)]}${out.slice(at + 1)}`;
  }
  return out;
}

export const Key = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{1,63}$/, 'an id is 2-64 lowercase letters, digits, - or _');

/** Accepts "abc" or "asset:abc"; returns the bare key. */
export function parseKey(table: string, value: string): string {
  const bare = value.startsWith(`${table}:`) ? value.slice(table.length + 1) : value;
  const ok = Key.safeParse(bare);
  if (!ok.success)
    throw new AppError('invalid_input', `not a valid ${table} id: ${JSON.stringify(value)}`);
  return bare;
}

export const rid = (table: string, key: string) => new RecordId(table, parseKey(table, key));

/** The bare key of a RecordId (or of a "table:key" string) read back from the database. */
export function keyOf(v: unknown): string {
  if (v instanceof RecordId) return String(v.id);
  const s = String(v);
  const i = s.indexOf(':');
  return i >= 0 ? s.slice(i + 1).replace(/^⟨|⟩$/g, '') : s;
}

/** zod: a RecordId (or string) read from a row, as its bare key. */
export const zKey = z
  .unknown()
  .refine((v) => v !== undefined && v !== null, 'missing record id')
  .transform(keyOf);

/** zod: a SurrealDB datetime (or Date or string) as an ISO string. */
export const zTime = z.unknown().transform((v) => {
  if (v instanceof Date) return v.toISOString();
  if (v && typeof (v as { toISOString?: unknown }).toISOString === 'function') {
    return (v as { toISOString(): string }).toISOString();
  }
  return String(v);
});

/** zod: an optional field that SurrealDB may return as null (NONE and null both mean absent). */
export const opt = <T extends z.ZodType>(t: T) =>
  z.preprocess((v) => (v === null ? undefined : v), t.optional());
