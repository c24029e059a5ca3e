import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRenditionQueue } from '../renditions/queue.ts';
import { loadSpecs } from '../renditions/specs.ts';
import { FsBlobStore } from '../store/blob-store.ts';
import { testRedis } from '../test/redis.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let redis: { url: string; stop(): Promise<void> };
beforeAll(async () => {
  redis = await testRedis();
});
afterAll(() => redis.stop());

describe('curator worker', () => {
  it('refuses to start without REDIS_URL, saying why', async () => {
    const child = spawn(process.execPath, [path.join(root, 'bin/curator.js'), 'worker'], {
      cwd: root,
      env: { ...process.env, REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(78);
    expect(stderr).toMatch(/set REDIS_URL/);
  });

  it('drains on SIGTERM: the rendition in progress finishes, then it exits 0', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'curator-worker-'));
    const prefix = `w${Math.random().toString(36).slice(2)}`;
    const child = spawn(
      process.execPath,
      [path.join(root, 'bin/curator.js'), 'worker', '--concurrency', '1'],
      {
        cwd: root,
        env: {
          ...process.env,
          REDIS_URL: redis.url,
          QUEUE_PREFIX: prefix,
          DATA_DIR: dir,
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const saw = async (text: string, ms = 30_000) => {
      const until = Date.now() + ms;
      while (!out.includes(text)) {
        if (Date.now() > until) throw new Error(`no "${text}" in:\n${out}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    const blobs = new FsBlobStore(path.join(dir, 'blobs'));
    const q = createRenditionQueue({
      blobs,
      specs: await loadSpecs(),
      limits: { maxPixels: 100e6 },
      redisUrl: redis.url,
      prefix,
    });
    try {
      await saw('rendition worker ready');
      // A big master, so the job is still running when the signal comes.
      const big = await sharp({
        create: { width: 6000, height: 4000, channels: 3, background: { r: 200, g: 90, b: 40 } },
      })
        .jpeg()
        .toBuffer();
      const source = (await blobs.put(big)).key;
      const job = q.run({ source, spec: { id: 'web-hero-2k', version: 1 }, fit: 'blur-fill' });
      await saw('rendition started');
      child.kill('SIGTERM');
      const done = await job;
      expect([done.width, done.height]).toEqual([2560, 1440]);
      expect(await exited).toBe(0);
      // The signal came while the job ran, and the job still finished before the exit.
      expect(out.indexOf('draining')).toBeGreaterThan(-1);
      expect(out.indexOf('draining')).toBeLessThan(out.indexOf('rendition made'));
      expect(await blobs.has(done.blobKey)).toBe(true);
    } finally {
      await q.close();
      if (child.exitCode === null) child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
