// Versioned migrations: store/migrations/NNN-name.surql, applied in order, once, recorded in `_migration`.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Surreal } from 'surrealdb';
import { z } from 'zod';
import { AppError } from '../core/errors.ts';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

const Applied = z.object({ name: z.string(), checksum: z.string() });

export interface MigrationResult {
  applied: string[];
  skipped: string[];
}

export async function listMigrations(dir = MIGRATIONS_DIR) {
  const files = (await readdir(dir)).filter((f) => /^\d{3}-[a-z0-9-]+\.surql$/.test(f)).sort();
  return Promise.all(
    files.map(async (f) => {
      const sql = await readFile(path.join(dir, f), 'utf8');
      return {
        name: f.replace(/\.surql$/, ''),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    }),
  );
}

export async function migrate(db: Surreal, dir = MIGRATIONS_DIR): Promise<MigrationResult> {
  await db.query(
    'DEFINE TABLE IF NOT EXISTS _migration SCHEMALESS; DEFINE INDEX IF NOT EXISTS _migration_name ON _migration FIELDS name UNIQUE;',
  );
  const [rows] = await db.query<[unknown[]]>('SELECT name, checksum FROM _migration');
  const done = new Map(
    Applied.array()
      .parse(rows ?? [])
      .map((r) => [r.name, r.checksum]),
  );
  const result: MigrationResult = { applied: [], skipped: [] };
  for (const m of await listMigrations(dir)) {
    const prior = done.get(m.name);
    if (prior) {
      if (prior !== m.checksum) {
        throw new AppError(
          'config',
          `migration ${m.name} changed after it was applied; add a new migration instead`,
        );
      }
      result.skipped.push(m.name);
      continue;
    }
    // One transaction per migration: its statements and its record land together or not at all.
    await db.query(
      `BEGIN TRANSACTION;\n${m.sql}\n;CREATE _migration CONTENT { name: $name, checksum: $checksum, applied_at: time::now() };\nCOMMIT TRANSACTION;`,
      { name: m.name, checksum: m.checksum },
    );
    result.applied.push(m.name);
  }
  return result;
}
