// JSON bodies for POST routes: a size limit before anything is read whole, JSON content types only,
// and well-formed JSON, each refused with its own code. Routes then read `await c.req.json()`, which
// Hono answers from the body text read here (it caches it per request).
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../core/errors.ts';

export const DEFAULT_JSON_BODY_BYTES = 1024 * 1024;

/** application/json or a +json type, with or without parameters (charset). */
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

export function jsonBody(opts: { maxBytes?: number } = {}): MiddlewareHandler {
  const maxBytes = opts.maxBytes ?? DEFAULT_JSON_BODY_BYTES;
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new AppError('too_large', `request body over ${maxBytes} bytes`);
    },
  });
  return async (c, next) => {
    // text/plain and form types are what another site's page may POST without a CORS preflight;
    // parsing them as JSON would let such a page drive these routes.
    const type = c.req.header('content-type') ?? '';
    if (!JSON_TYPE.test(type)) {
      throw new AppError(
        'unsupported_media_type',
        `send the body as Content-Type: application/json (got ${type ? JSON.stringify(type.slice(0, 80)) : 'none'})`,
      );
    }
    return limit(c, async () => {
      try {
        await c.req.json();
      } catch {
        throw new AppError('invalid_input', 'invalid JSON');
      }
      await next();
    });
  };
}
