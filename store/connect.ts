// Opens SurrealDB: embedded (surrealkv:// on disk, mem:// for tests) or a server (ws://, http://).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createNodeEngines } from '@surrealdb/node';
import { createRemoteEngines, Surreal } from 'surrealdb';
import type { Config } from '../core/config.ts';
import { AppError } from '../core/errors.ts';
import { migrate } from './migrate.ts';

export type { Surreal };

/** How long to wait for the store to open before saying why it did not. */
export const OPEN_TIMEOUT_MS = 15_000;

export async function connectStore(
  surreal: Config['surreal'],
  opts: { migrate?: boolean; openTimeoutMs?: number } = {},
): Promise<Surreal> {
  const db = new Surreal({ engines: { ...createRemoteEngines(), ...createNodeEngines() } });
  const url = surreal.url;
  if (url.startsWith('surrealkv://') || url.startsWith('rocksdb://')) {
    const p = url.replace(/^[a-z]+:\/\//, '');
    await mkdir(path.dirname(path.resolve(p)), { recursive: true });
  }
  const timeoutMs = opts.openTimeoutMs ?? OPEN_TIMEOUT_MS;
  // An embedded store held by another process never finishes opening, and nothing keeps Node alive
  // meanwhile: without this timer the process would exit 0 silently.
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new AppError(
            'unavailable',
            `could not open the store at ${url} within ${timeoutMs / 1000} s. An embedded store can be open in one process only: if \`curator serve\` runs on the same DATA_DIR, use its HTTP endpoints (the API, or /mcp with MCP_TOKEN) instead, or point SURREAL_URL at a SurrealDB server.`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    const remote = /^(wss?|https?):\/\//.test(url);
    const opening = db.connect(url, {
      namespace: surreal.namespace,
      database: surreal.database,
      ...(remote && surreal.user && surreal.pass
        ? { authentication: { username: surreal.user, password: surreal.pass } }
        : {}),
    });
    await Promise.race([opening, timeout]);
    await db.use({ namespace: surreal.namespace, database: surreal.database });
  } catch (e) {
    void db.close().catch(() => {});
    if (e instanceof AppError) throw e;
    throw new AppError('unavailable', `cannot open SurrealDB at ${url}: ${(e as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  if (opts.migrate !== false) await migrate(db);
  return db;
}
