import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestBuffer } from '../ingest/ingest.ts';
import { makeImage, makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { createApp } from './app.ts';

let env: TestEnv;
beforeEach(async () => {
  env = await makeTestDeps();
});
afterEach(() => env.cleanup());

async function library() {
  const ids: string[] = [];
  for (let seed = 1; seed <= 6; seed++) {
    const out = await ingestBuffer(env.deps, await makeImage({ seed, width: 400, height: 250 }), {
      name: `s${seed}.jpg`,
    });
    ids.push(out.asset.id);
  }
  return ids;
}

type Similar = { items: { id: string; score: number }[]; query: { image?: { mime: string } } };

describe('POST /api/similar', () => {
  it('takes an uploaded image as multipart form data and ranks its resized copy first', async () => {
    const ids = await library();
    const copy = await sharp(await makeImage({ seed: 4, width: 400, height: 250 }))
      .resize(200)
      .png()
      .toBuffer();
    const form = new FormData();
    form.set('image', new File([new Uint8Array(copy)], 'query.png', { type: 'image/png' }));
    form.set('limit', '3');
    const res = await createApp(env.deps).request('/api/similar', { method: 'POST', body: form });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Similar;
    expect(body.items[0]!.id).toBe(ids[3]);
    expect(body.items.length).toBeLessThanOrEqual(3);
    expect(body.query.image?.mime).toBe('image/png');
    // The raw image as the body works the same.
    const raw = await createApp(env.deps).request('/api/similar?limit=2', {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: new Uint8Array(copy),
    });
    expect(((await raw.json()) as Similar).items[0]!.id).toBe(ids[3]);
  });

  it('refuses what it cannot take, with a clear error, and keeps serving', async () => {
    await library();
    const app = createApp(env.deps);
    const post = (body: BodyInit, headers: Record<string, string> = {}) =>
      app.request('/api/similar', { method: 'POST', body, headers });
    const json = await post('{"image":"x"}', { 'content-type': 'application/json' });
    expect(json.status).toBe(415);
    const text = new FormData();
    text.set('image', new File(['<html></html>'], 'x.html', { type: 'text/html' }));
    expect((await post(text)).status).toBe(415);
    const liar = new FormData();
    liar.set('image', new File(['not an image at all'], 'x.png', { type: 'image/png' }));
    const lied = await post(liar);
    expect(lied.status).toBe(400);
    const extra = new FormData();
    extra.set('assetId', 'nope');
    extra.set('sneaky', '1');
    expect(await (await post(extra)).json()).toMatchObject({
      error: { code: 'invalid_input', message: expect.stringMatching(/unknown field "sneaky"/) },
    });
    const big = new FormData();
    big.set(
      'image',
      new File([new Uint8Array(11 * 1024 * 1024)], 'big.png', { type: 'image/png' }),
    );
    expect((await post(big)).status).toBe(413);
    expect((await post(new FormData())).status).toBe(400);
    expect((await app.request('/healthz')).status).toBe(200);
  });
});
