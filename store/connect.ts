// Opens SurrealDB: embedded (surrealkv:// on disk, mem:// for tests) or a server (ws://, http://).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createNodeEngines } from '@surrealdb/node';
import { createRemoteEngines, Surreal } from 'surrealdb';
import type { Config } from '../core/config.ts';
import { AppError } from '../core/errors.ts';
import { migrate } from './migrate.ts';

export type { Surreal };

export async function connectStore(
  surreal: Config['surreal'],
  opts: { migrate?: boolean } = {},
): Promise<Surreal> {
  const db = new Surreal({ engines: { ...createRemoteEngines(), ...createNodeEngines() } });
  const url = surreal.url;
  if (url.startsWith('surrealkv://') || url.startsWith('rocksdb://')) {
    const p = url.replace(/^[a-z]+:\/\//, '');
    await mkdir(path.dirname(path.resolve(p)), { recursive: true });
  }
  try {
    const remote = /^(wss?|https?):\/\//.test(url);
    await db.connect(url, {
      namespace: surreal.namespace,
      database: surreal.database,
      ...(remote && surreal.user && surreal.pass
        ? { authentication: { username: surreal.user, password: surreal.pass } }
        : {}),
    });
    await db.use({ namespace: surreal.namespace, database: surreal.database });
  } catch (e) {
    await db.close().catch(() => {});
    throw new AppError('unavailable', `cannot open SurrealDB at ${url}: ${(e as Error).message}`);
  }
  if (opts.migrate !== false) await migrate(db);
  return db;
}
