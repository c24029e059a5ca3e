import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../core/errors.ts';
import { jsonBody } from './json-body.ts';

/** A bare app with the middleware and the same error edge as createApp. */
function app(maxBytes?: number) {
  const a = new Hono();
  a.onError((err, c) =>
    isAppError(err)
      ? c.json({ error: { code: err.code, message: err.message } }, err.status as 400)
      : c.json({ error: { code: 'internal' } }, 500),
  );
  a.post('/echo', jsonBody({ maxBytes }), async (c) => c.json({ got: await c.req.json() }));
  return a;
}

const post = (a: Hono, body: BodyInit, type?: string) =>
  a.request('/echo', {
    method: 'POST',
    headers: type ? { 'content-type': type } : {},
    body,
  });

describe('jsonBody', () => {
  it('hands the parsed body to the route', async () => {
    const res = await post(app(), '{"a":1}', 'application/json');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ got: { a: 1 } });
    expect((await post(app(), '{}', 'application/merge-patch+json')).status).toBe(200);
  });

  it('refuses a body over the limit with 413, streamed or declared', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(2048) });
    const res = await post(app(1024), big, 'application/json');
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'too_large' } });
    const streamed = new ReadableStream({
      start(ctl) {
        ctl.enqueue(new TextEncoder().encode(big));
        ctl.close();
      },
    });
    const res2 = await app(1024).request('/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: streamed,
      duplex: 'half',
    } as RequestInit);
    expect(res2.status).toBe(413);
  });

  it('refuses types a cross-site form could send, and no type at all, with 415', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', undefined]) {
      // Bytes, not a string: a string body would get text/plain from fetch itself.
      const res = await post(app(), new TextEncoder().encode('{"a":1}'), type);
      expect(res.status).toBe(415);
      expect(await res.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
    }
  });

  it('refuses malformed JSON with a 400 that says so', async () => {
    for (const body of ['{bad', '']) {
      const res = await post(app(), body, 'application/json');
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error: { code: 'invalid_input', message: 'invalid JSON' },
      });
    }
  });
});
