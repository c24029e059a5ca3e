import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { testRedis } from '../test/redis.ts';
import { createRenditionQueue, startRenditionWorker } from './queue.ts';
import { loadSpecs, type SpecCatalog } from './specs.ts';

let redis: { url: string; stop(): Promise<void> };
let specs: SpecCatalog;
let env: TestEnv;
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  redis = await testRedis();
  specs = await loadSpecs();
});
afterAll(() => redis.stop());
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  await env?.cleanup();
});

async function master(): Promise<string> {
  const png = await sharp({
    create: { width: 1600, height: 1000, channels: 3, background: { r: 240, g: 120, b: 40 } },
  })
    .jpeg()
    .toBuffer();
  return (await env.deps.blobs.put(png)).key;
}

describe('the rendition queue on a real Redis', () => {
  it('makes one file for the same request twice, at the exact size', async () => {
    env = await makeTestDeps();
    const prefix = `t${Math.random().toString(36).slice(2)}`;
    const deps = { blobs: env.deps.blobs, specs, limits: { maxPixels: 100e6 } };
    const q = createRenditionQueue({ ...deps, redisUrl: redis.url, prefix });
    const w = startRenditionWorker({ ...deps, redisUrl: redis.url, prefix, concurrency: 2 });
    closers.push(
      () => q.close(),
      () => w.close(),
    );
    const source = await master();
    const recipe = { source, spec: { id: 'display-mrec', version: 1 } };
    const [a, b] = await Promise.all([q.run(recipe), q.run(recipe)]);
    expect(q.mode).toBe('bullmq');
    expect(a.hash).toBe(b.hash);
    expect(a.blobKey).toBe(b.blobKey);
    const made = await sharp(await env.deps.blobs.get(a.blobKey)).metadata();
    expect([made.width, made.height]).toEqual([300, 250]);
    let completed = 0;
    w.on('completed', () => completed++);
    await q.run(recipe);
    expect(completed).toBe(0);
  });

  it('fails a corrupt source at once, without retries, with a readable reason', async () => {
    env = await makeTestDeps();
    const prefix = `t${Math.random().toString(36).slice(2)}`;
    const deps = { blobs: env.deps.blobs, specs, limits: { maxPixels: 100e6 } };
    const q = createRenditionQueue({
      ...deps,
      redisUrl: redis.url,
      prefix,
      attempts: 5,
      backoffMs: 2000,
    });
    const w = startRenditionWorker({ ...deps, redisUrl: redis.url, prefix });
    closers.push(
      () => q.close(),
      () => w.close(),
    );
    const good = await env.deps.blobs.get(await master());
    const broken = (await env.deps.blobs.put(good.subarray(0, 900))).key;
    let attempts = 0;
    w.on('failed', (job) => {
      attempts = job?.attemptsMade ?? 0;
    });
    const started = Date.now();
    await expect(
      q.run({ source: broken, spec: { id: 'display-mrec', version: 1 } }),
    ).rejects.toThrow(/corrupt|truncated|JPEG/i);
    // Five attempts with a 2 s backoff would take 30 s; unrecoverable input takes one.
    expect(Date.now() - started).toBeLessThan(5000);
    // The worker's own "failed" event may land just after the waiter hears of it.
    for (let i = 0; i < 40 && attempts === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(attempts).toBe(1);
  });

  it('runs in the process without REDIS_URL, once per recipe', async () => {
    env = await makeTestDeps();
    const q = createRenditionQueue({ blobs: env.deps.blobs, specs, limits: { maxPixels: 100e6 } });
    closers.push(() => q.close());
    const source = await master();
    const recipe = { source, spec: { id: 'email-header', version: 1 }, format: 'png' as const };
    const [a, b] = await Promise.all([q.run(recipe), q.run(recipe)]);
    expect(q.mode).toBe('in-process');
    expect(a.blobKey).toBe(b.blobKey);
    expect([a.width, a.height]).toEqual([600, 200]);
  });
});
