import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { connectStore } from './connect.ts';
import { migrate } from './migrate.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('migrations', () => {
  it('apply once, in order, and are idempotent on a second run', async () => {
    const db = await connectStore(
      { url: 'mem://', namespace: 't', database: 'm1' },
      { migrate: false },
    );
    const first = await migrate(db);
    expect(first.applied[0]).toBe('001-init');
    const second = await migrate(db);
    expect(second.applied).toEqual([]);
    expect(second.skipped).toEqual(first.applied);
    const [rows] = await db.query<[{ n: number }[]]>(
      'SELECT count() AS n FROM _migration GROUP ALL',
    );
    expect(rows[0]?.n).toBe(first.applied.length);
    await db.close();
  });

  it('refuses to run when an applied migration was edited afterwards', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'curator-mig-'));
    dirs.push(dir);
    await mkdir(dir, { recursive: true });
    await cp(path.join(here, 'migrations', '001-init.surql'), path.join(dir, '001-init.surql'));
    const db = await connectStore(
      { url: 'mem://', namespace: 't', database: 'm2' },
      { migrate: false },
    );
    await migrate(db, dir);
    await writeFile(path.join(dir, '001-init.surql'), '-- edited\nDEFINE TABLE x SCHEMALESS;');
    await expect(migrate(db, dir)).rejects.toThrow(/changed after it was applied/);
    await db.close();
  });

  it('rolls a failing migration back whole and records nothing for it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'curator-mig-'));
    dirs.push(dir);
    await writeFile(path.join(dir, '001-ok.surql'), 'DEFINE TABLE ok SCHEMALESS;');
    await writeFile(
      path.join(dir, '002-bad.surql'),
      'DEFINE TABLE half SCHEMAFULL; DEFINE FIELD n ON half TYPE int; CREATE half:1 SET n = "not a number";',
    );
    const db = await connectStore(
      { url: 'mem://', namespace: 't', database: 'm3' },
      { migrate: false },
    );
    await expect(migrate(db, dir)).rejects.toThrow();
    const [names] = await db.query<[string[]]>('SELECT VALUE name FROM _migration');
    expect(names).toEqual(['001-ok']);
    const [info] = await db.query<[{ tables: Record<string, unknown> }]>('INFO FOR DB');
    expect(Object.keys(info.tables)).not.toContain('half');
    await db.close();
  });
});
