import { afterEach, describe, expect, it } from 'vitest';
import { makeImage, makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { rippleFamily } from '../test/ripple-family.ts';
import { createApp } from './app.ts';

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});

describe('PUT /api/assets/:id/file', () => {
  it('stores a new version, ripples it, and keeps the history; a stale If-Match and junk are refused', async () => {
    env = await makeTestDeps({ RIPPLE_APPROVAL_ABOVE: '2' });
    const f = await rippleFamily(env.deps);
    const app = createApp(env.deps);
    const v2 = await makeImage({ width: 1600, height: 1000, seed: 31 });
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(v2)], { type: 'image/jpeg' }), 'hero-v2.jpg');
    form.set('note', 'new colour grade');
    const res = await app.request(`/api/assets/${f.master}/file`, {
      method: 'PUT',
      body: form,
      headers: { 'if-match': '"1"' },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      asset: { version: number };
      ripple: { id: string; state: string; counts: { remake: number } };
      start: string;
    };
    expect(body.asset.version).toBe(2);
    expect(res.headers.get('etag')).toBe('"2"');
    // Four files is above the limit of two: the ripple waits for a person.
    expect(body.ripple).toMatchObject({ state: 'awaiting_approval', counts: { remake: 4 } });
    const started = await app.request(body.start, { method: 'POST' });
    expect(started.status).toBe(202);
    let state = '';
    for (let i = 0; i < 200 && state !== 'done'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const s = await app.request(`/api/ripples/${body.ripple.id}`);
      state = ((await s.json()) as { state: string }).state;
    }
    expect(state).toBe('done');
    expect((await env.deps.assets.get(f.story)).version).toBe(2);
    const history = await app.request(`/api/assets/${f.master}/versions`);
    const h = (await history.json()) as { versions: { version: number; note?: string }[] };
    expect(h.versions.map((x) => x.version)).toEqual([2, 1]);
    expect(h.versions[0]!.note).toBe('new colour grade');

    const stale = await app.request(`/api/assets/${f.master}/file`, {
      method: 'PUT',
      body: new Uint8Array(await makeImage({ seed: 32 })),
      headers: { 'content-type': 'image/jpeg', 'if-match': '"1"' },
    });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { error: { message: string } }).error.message).toMatch(
      /at version 2, not 1/,
    );
    const junk = await app.request(`/api/assets/${f.master}/file`, {
      method: 'PUT',
      body: 'not an image',
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(junk.status).toBe(400);
    expect((await env.deps.assets.get(f.master)).version).toBe(2);
  }, 60_000);
});
