// A counting semaphore. libvips work runs on libuv's thread pool (UV_THREADPOOL_SIZE, default 4), the
// same pool that serves file reads, writes and fsync: if every pool thread is busy decoding, blob
// writes queue behind the decodes and nothing overlaps. Keeping decodes below the pool size lets
// disk and database work proceed alongside them.
import os from 'node:os';

export type Gate = <T>(fn: () => Promise<T>) => Promise<T>;

export function createGate(slots: number): Gate {
  let free = Math.max(1, Math.floor(slots));
  const waiting: (() => void)[] = [];
  return async (fn) => {
    if (free > 0) free--;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free++;
    }
  };
}

/**
 * One decode per core plus one (so a core is not idle while a decode waits on memory or its caller),
 * always leaving at least one thread-pool thread for I/O.
 */
export function defaultDecodeSlots(): number {
  const pool = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  return Math.max(1, Math.min(os.availableParallelism() + 1, pool - 1));
}
