import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { ingestBuffer } from '../ingest/ingest.ts';
import { countRenditions, makeImage, makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { createApp } from './app.ts';

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});

async function asset(e: TestEnv, status: 'approved' | 'draft', seed = 3) {
  const data = await makeImage({ seed, width: 1600, height: 1000 });
  return (await ingestBuffer(e.deps, data, { name: `m${seed}.jpg`, overrides: { status } })).asset
    .id;
}

const renditions = countRenditions;

describe('GET /r/<asset>/<spec>.<format>', () => {
  it('renders an approved asset in a spec on first request, then serves the recorded one', async () => {
    env = await makeTestDeps();
    const id = await asset(env, 'approved');
    const app = createApp(env.deps);
    const first = await app.request(`/r/${id}/instagram-story.jpg`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('image/jpeg');
    const bytes = Buffer.from(await first.arrayBuffer());
    const meta = await sharp(bytes).metadata();
    expect([meta.width, meta.height]).toEqual([1080, 1920]);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    const again = await app.request(`/r/${id}/instagram-story.jpg`);
    expect(Buffer.from(await again.arrayBuffer()).equals(bytes)).toBe(true);
    expect(await renditions(env)).toBe(1);
    const cached = await app.request(`/r/${id}/instagram-story.jpg`, {
      headers: { 'if-none-match': etag },
    });
    expect(cached.status).toBe(304);
    const png = await app.request(`/r/${id}/email-header.png`);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(await renditions(env)).toBe(2);
  });

  it('refuses an arbitrary size, an unknown spec, a format the spec refuses, and drafts', async () => {
    env = await makeTestDeps();
    const id = await asset(env, 'approved');
    const draft = await asset(env, 'draft', 5);
    const app = createApp(env.deps);
    const sized = await app.request(`/r/${id}/instagram-story.jpg?w=5000&h=5000`);
    expect(sized.status).toBe(400);
    expect(((await sized.json()) as { error: { message: string } }).error.message).toMatch(
      /channel specs only/,
    );
    const free = await app.request(`/r/${id}/4999x4999.jpg`);
    expect(free.status).toBe(404);
    expect(await free.text()).toMatch(/no channel spec \\"4999x4999\\"/);
    expect((await app.request(`/r/${id}/instagram-story.webp`)).status).toBe(400);
    expect((await app.request(`/r/${id}/../../etc/passwd`)).status).toBe(404);
    const notYet = await app.request(`/r/${draft}/instagram-story.jpg`);
    expect(notYet.status).toBe(404);
    expect(await notYet.text()).toMatch(/draft: only approved assets are delivered/);
    expect(await renditions(env)).toBe(0);
  });

  it('needs a sign-in when one is set, unless DELIVERY_PUBLIC=true', async () => {
    env = await makeTestDeps({ WEB_AUTH_TOKEN: 'x'.repeat(24) });
    const id = await asset(env, 'approved');
    expect((await createApp(env.deps).request(`/r/${id}/display-mrec.jpg`)).status).toBe(401);
    await env.cleanup();
    env = await makeTestDeps({ WEB_AUTH_TOKEN: 'x'.repeat(24), DELIVERY_PUBLIC: 'true' });
    const open = await asset(env, 'approved');
    expect((await createApp(env.deps).request(`/r/${open}/display-mrec.jpg`)).status).toBe(200);
  });
});
