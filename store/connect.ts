// Opens SurrealDB: embedded (surrealkv:// on disk, mem:// for tests) or a server (ws://, http://).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createNodeEngines } from '@surrealdb/node';
import { createRemoteEngines, type EngineFactory, type Engines, Surreal } from 'surrealdb';
import type { Config } from '../core/config.ts';
import { AppError } from '../core/errors.ts';
import { sleep } from '../core/util.ts';
import { migrate } from './migrate.ts';

export type { Surreal };

/** How long to wait for the store to open before saying why it did not. */
export const OPEN_TIMEOUT_MS = 15_000;

/** Pause between attempts while another process holds an embedded store's lock. */
const LOCK_RETRY_MS = 300;

// What the embedded engine does when another process holds the store (seen with @surrealdb/node
// 3.0.3 and surrealdb 2.0.8): the native open fails at once with "Database at …/LOCK is already
// locked by another process", but the SDK's connect() never hears of it (the engine publishes the
// error on an event the connection does not listen to) and hangs in "connecting" for good, even
// after the lock is freed. The lock is freed when the holding process exits, not at its db.close().
// So each attempt listens to the engine's own error event and a locked store is retried with a
// fresh Surreal instance until the timeout.
const LOCKED = /already locked/i;

/** Node engines that report a failed open to `onError` as well as to the (deaf) SDK. */
function watchedNodeEngines(onError: (err: Error) => void): Engines {
  return Object.fromEntries(
    Object.entries(createNodeEngines()).map(([scheme, make]) => [
      scheme,
      (ctx: Parameters<EngineFactory>[0]) => {
        const engine = make(ctx);
        engine.subscribe('error', onError);
        return engine;
      },
    ]),
  );
}

/** One attempt: resolves with an open database, or rejects with the engine's or the SDK's error. */
async function openOnce(surreal: Config['surreal'], deadline: number): Promise<Surreal> {
  let failed: (err: Error) => void = () => {};
  const engineError = new Promise<never>((_, reject) => {
    failed = reject;
  });
  const db = new Surreal({ engines: { ...createRemoteEngines(), ...watchedNodeEngines(failed) } });
  let timer: NodeJS.Timeout | undefined;
  // Also what keeps Node alive while the SDK waits: nothing else does, and the process would exit 0.
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OpenTimeout()), Math.max(0, deadline - Date.now()));
  });
  try {
    const remote = /^(wss?|https?):\/\//.test(surreal.url);
    const opening = db.connect(surreal.url, {
      namespace: surreal.namespace,
      database: surreal.database,
      ...(remote && surreal.user && surreal.pass
        ? { authentication: { username: surreal.user, password: surreal.pass } }
        : {}),
    });
    await Promise.race([opening, engineError, timeout]);
    await db.use({ namespace: surreal.namespace, database: surreal.database });
    return db;
  } catch (e) {
    void db.close().catch(() => {});
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

class OpenTimeout extends Error {}

/** The SDK wraps the engine's error ("An unexpected connection error occurred"); say both. */
function reason(e: unknown): string {
  const err = e as Error;
  const cause = err.cause instanceof Error ? err.cause.message : err.cause;
  return cause ? `${err.message}: ${String(cause)}` : err.message;
}

export async function connectStore(
  surreal: Config['surreal'],
  opts: { migrate?: boolean; openTimeoutMs?: number } = {},
): Promise<Surreal> {
  const url = surreal.url;
  if (url.startsWith('surrealkv://') || url.startsWith('rocksdb://')) {
    const p = url.replace(/^[a-z]+:\/\//, '');
    await mkdir(path.dirname(path.resolve(p)), { recursive: true });
  }
  const timeoutMs = opts.openTimeoutMs ?? OPEN_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const busy = new AppError(
    'unavailable',
    `could not open the store at ${url} within ${timeoutMs / 1000} s. An embedded store can be open in one process only: if \`curator serve\` runs on the same DATA_DIR, use its HTTP endpoints (the API, or /mcp with MCP_TOKEN) instead, or point SURREAL_URL at a SurrealDB server.`,
  );
  let db: Surreal;
  for (;;) {
    try {
      db = await openOnce(surreal, deadline);
      break;
    } catch (e) {
      if (e instanceof OpenTimeout) throw busy;
      const message = reason(e);
      if (!LOCKED.test(message)) {
        throw new AppError('unavailable', `cannot open SurrealDB at ${url}: ${message}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw busy;
      await sleep(Math.min(LOCK_RETRY_MS, left));
    }
  }
  if (opts.migrate !== false) await migrate(db);
  return db;
}
