// A multipart form body read whole, with one clear error when it cannot be read: the upload routes
// (POST /api/similar, POST /api/uploads) share it.
import type { Context } from 'hono';
import { AppError } from '../core/errors.ts';

export type FormBody = Record<string, string | File | (string | File)[]>;

/** The form, or null when the request is not multipart/form-data. */
export async function readForm(c: Context): Promise<FormBody | null> {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  if (!type.startsWith('multipart/form-data')) return null;
  try {
    return await c.req.parseBody({ all: true });
  } catch {
    throw new AppError('invalid_input', 'the multipart body could not be read');
  }
}
