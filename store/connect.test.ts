import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { connectStore, type Surreal } from './connect.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// Another process holding the store, as `curator serve` would: it opens the store, writes a row,
// says so, holds it for HOLD_MS, then closes and exits. The exit is what frees the lock (db.close()
// alone does not), and with indexes defined the process would not end on its own.
const HOLD_MS = 3_000;
const HOLDER = `
import { connectStore } from './store/connect.ts';
const db = await connectStore({ url: process.env.STORE_URL, namespace: 't', database: 'lock' });
await db.query("CREATE lock_probe:1 SET by = 'child'");
process.stdout.write('open\\n');
setTimeout(async () => {
  await db.close();
  process.exit(0);
}, ${HOLD_MS});
`;

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

describe('connectStore with an embedded store another process holds', () => {
  it('waits for the lock and opens as soon as the other process lets go', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'curator-lock-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const url = `surrealkv://${path.join(dir, 'db')}`;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', HOLDER],
      { cwd: root, env: { ...process.env, STORE_URL: url }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    let exitedAt = 0;
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => {
        exitedAt = Date.now();
        resolve(code);
      }),
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => String(d).includes('open') && resolve());
      child.once('exit', () => reject(new Error(`holder exited before opening:\n${stderr}`)));
    });

    const started = Date.now();
    const db: Surreal = await connectStore(
      { url, namespace: 't', database: 'lock' },
      { openTimeoutMs: 15_000 },
    );
    cleanups.push(() => db.close());
    const openedAt = Date.now();

    expect(await exited).toBe(0);
    // It waited for the holder rather than failing or opening beside it (the child holds the
    // store for HOLD_MS after saying 'open'; its exit event may reach us just after we open)...
    expect(openedAt - started).toBeGreaterThanOrEqual(HOLD_MS - 100);
    // ...and went on within moments of the release, far from the 15 s timeout.
    expect(openedAt - exitedAt).toBeLessThan(3_000);
    expect(openedAt - started).toBeLessThan(10_000);
    const [rows] = await db.query<[{ by: string }[]]>('SELECT by FROM lock_probe');
    expect(rows).toEqual([{ by: 'child' }]);
  }, 30_000);
});
