// Rendition workers as real processes, for queue tests that kill one mid-job: `curator worker`
// with a short lock, so a killed worker's job is taken by another within seconds.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import sharp from 'sharp';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything it printed so far. */
  log: { text: string };
}

/** Starts a worker on the queue of `redisUrl` + `prefix`, over the blob store in `dataDir`. */
export function startWorker(
  o: { redisUrl: string; prefix: string; dataDir: string },
  children: ChildProcess[],
): WorkerProcess {
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'bin/curator.js'), 'worker', '--concurrency', '1'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        REDIS_URL: o.redisUrl,
        QUEUE_PREFIX: o.prefix,
        DATA_DIR: o.dataDir,
        LOG_LEVEL: 'info',
        RENDITION_LOCK_MS: '2000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  const log = { text: '' };
  const add = (d: Buffer) => {
    log.text += d.toString();
  };
  child.stdout!.on('data', add);
  child.stderr!.on('data', add);
  return { child, log };
}

/** Waits until the log holds `text` after its first `from` characters. */
export async function saw(log: { text: string }, text: string, from = 0, ms = 60_000) {
  const until = Date.now() + ms;
  while (!log.text.slice(from).includes(text)) {
    if (Date.now() > until) throw new Error(`no "${text}" in:\n${log.text}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A big noisy JPEG: rendering it takes long enough to kill a worker in the middle. */
export async function bigJpeg(w: number, h: number, seed = 0): Promise<Buffer> {
  const noise = Buffer.alloc((w / 10) * (h / 10) * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = ((i + seed) * 2654435761) >>> 24;
  return sharp(noise, { raw: { width: w / 10, height: h / 10, channels: 3 } })
    .resize(w, h)
    .jpeg({ quality: 95 })
    .toBuffer();
}
