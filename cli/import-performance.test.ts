import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curator } from '../test/cli.ts';

describe('curator import-performance', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'curator-cli-perf-'));
    env = {
      DATA_DIR: path.join(dir, 'data'),
      LOG_LEVEL: 'silent',
      DEMO_SEED: 'off',
      SURREAL_URL: '',
    };
    // A file-backed store with one placement, seeded by another process (an embedded store stays
    // locked by the process that opened it).
    const seeded = await new Promise<number>((resolve) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', path.resolve(import.meta.dirname, '../test/placement-fixture.ts')],
        { env: { ...process.env, ...env }, timeout: 60_000 },
        (err) => resolve(err ? 1 : 0),
      ),
    );
    expect(seeded).toBe(0);
    await writeFile(
      path.join(dir, 'meta.csv'),
      [
        'Reporting starts,Reporting ends,Ad ID,Ad name,Impressions,Link clicks,Purchases,Amount spent (EUR),Purchases conversion value',
        '2026-03-01,2026-03-01,555,hero,1000,10,1,10.00,50.00',
        '2026-03-02,2026-03-02,555,hero,1000,ten,1,10.00,50.00',
        '2026-03-02,2026-03-02,777,other,1000,10,1,10.00,50.00',
      ].join('\n'),
    );
    await writeFile(path.join(dir, 'map.csv'), 'ad id,placement\n777,pl-1\n888,pl-nope\n');
  }, 60_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads what it can, lists bad and unmatched rows with line numbers, and exits 1', async () => {
    const r = await curator(
      ['import-performance', path.join(dir, 'meta.csv'), '--preset', 'meta', '--rate', 'EUR=1.1'],
      env,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /3 rows read \(meta\): 1 loaded as 1 placement-days over 1 placement, 2026-03-01 to 2026-03-01; 1 bad, 1 unmatched; amounts in USD \(converted: 1 rows from EUR\)/,
    );
    expect(r.stdout).toMatch(/line 3: clicks is not a number: "ten"/);
    expect(r.stdout).toMatch(/line 4: no mapping for ad id 777, and no placed asset named "other"/);
  }, 60_000);

  it('stores a mapping first, then the same file loads every good row; --json prints only the report', async () => {
    const r = await curator(
      [
        'import-performance',
        path.join(dir, 'meta.csv'),
        '--preset',
        'meta',
        '--rate',
        'EUR=1.1',
        '--map',
        path.join(dir, 'map.csv'),
        '--json',
      ],
      env,
    );
    expect(r.stderr).toMatch(/mapping: 1 ad id stored; unknown placements left out: pl-nope/);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ matched: 2, written: 2, unmatched: [] });
    expect(report.bad).toHaveLength(1);
  }, 60_000);

  it('refuses bad usage with the usage text', async () => {
    const r = await curator(
      ['import-performance', path.join(dir, 'meta.csv'), '--rate', 'EUR'],
      env,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/a rate is CODE=number, like EUR=1.08/);
  });
});
