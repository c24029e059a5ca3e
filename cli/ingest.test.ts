import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curator } from '../test/cli.ts';
import { bombPng, solid } from '../vision/test-fixtures.ts';

describe('curator ingest', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'curator-cli-'));
    await mkdir(path.join(dir, 'in', 'sub'), { recursive: true });
    await writeFile(path.join(dir, 'in', 'ok.png'), await solid('#264653'));
    await writeFile(
      path.join(dir, 'in', 'sub', 'ok2.jpg'),
      await solid('#e76f51', 300, 200, 'jpeg'),
    );
    await writeFile(path.join(dir, 'in', 'bomb.png'), bombPng(20000, 20000));
    await writeFile(path.join(dir, 'in', 'fake.jpg'), '<html><body></body></html>');
    await writeFile(
      path.join(dir, 'in', 'logo.svg'),
      '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="20" fill="#2a9d8f"/></svg>',
    );
    // A file-backed store, so the second run sees the first run's assets.
    env = {
      DATA_DIR: path.join(dir, 'data'),
      LOG_LEVEL: 'silent',
      DEMO_SEED: 'off',
      SURREAL_URL: '',
    };
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints exactly the JSON report and exits 0 despite rejections; a rerun reports duplicates', async () => {
    const first = await curator(
      ['ingest', '--json', path.join(dir, 'in'), 'http://127.0.0.1:9/x.png'],
      env,
    );
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(Object.keys(report)).toEqual(['ingested', 'duplicates', 'rejected']);
    expect(report.ingested.map((x: { source: string }) => path.basename(x.source)).sort()).toEqual([
      'ok.png',
      'ok2.jpg',
    ]);
    expect(report.ingested[0].id).toMatch(/^[a-z0-9]{16}$/);
    expect(report.rejected).toEqual([
      {
        source: path.join(dir, 'in', 'bomb.png'),
        reason: 'pixel limit 100 MP exceeded (20000x20000)',
      },
      { source: path.join(dir, 'in', 'fake.jpg'), reason: 'not an image: text/html' },
      { source: path.join(dir, 'in', 'logo.svg'), reason: expect.stringMatching(/--allow-svg/) },
      { source: 'http://127.0.0.1:9/x.png', reason: expect.stringMatching(/loopback address/) },
    ]);

    const again = await curator(['ingest', '--json', '--allow-svg', path.join(dir, 'in')], env);
    expect(again.code).toBe(0);
    const r2 = JSON.parse(again.stdout);
    expect(r2.duplicates).toHaveLength(2);
    expect(r2.ingested.map((x: { source: string }) => path.basename(x.source))).toEqual([
      'logo.svg',
    ]);
  }, 60_000);

  it('explains bad usage and unknown campaigns with exit code 2', async () => {
    const none = await curator(['ingest'], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/usage: curator ingest/);
    const camp = await curator(
      ['ingest', '--campaign', 'no-such-campaign', path.join(dir, 'in')],
      env,
    );
    expect(camp.code).toBe(2);
    expect(camp.stderr).toMatch(/unknown campaign "no-such-campaign"/);
    expect(camp.stdout).toBe('');
  }, 60_000);

  it('`curator enrich` reads what ingest left for later (OCR), then finds everything current, and refuses unknown steps', async () => {
    const first = JSON.parse((await curator(['enrich', '--json'], env)).stdout);
    // Every step but the caption, which sends pictures elsewhere and runs only when asked for.
    expect(first).toMatchObject({
      steps: ['embedding', 'ocr', 'logo', 'people', 'clip'],
      failed: [],
    });
    expect(first.notes).toEqual([
      'logo: no brand with a logo in the brand kit; skipped',
      expect.stringMatching(/^clip: no CLIP model in .*clip-vit-base-patch32 .*; skipped$/),
    ]);
    expect(first.computed).toBe(first.total);
    expect(first.total).toBeGreaterThanOrEqual(2);
    const again = await curator(['enrich', '--json', '--step', 'embedding', '--step', 'ocr'], env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ computed: 0, current: first.total });
    const bad = await curator(['enrich', '--step', 'telepathy'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /unknown step telepathy; steps: embedding, ocr, logo, people, clip, caption/,
    );
    const purge = await curator(['enrich', '--purge', 'faces'], env);
    expect(purge.code).toBe(0);
    expect(purge.stdout).toMatch(/^removed stored face data from \d+ assets/);
  }, 120_000);
});
