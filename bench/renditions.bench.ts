// `npm run bench:renditions`: renditions per second for 100 sources × 6 channel specs through the
// BullMQ queue with 2 workers (two `curator worker` processes at their default concurrency on a
// real Redis; each output written to the blob store), in one run next to the same crops and
// resizes done by a plain sharp loop and by ImageMagick's `convert` from Debian (/usr/bin/convert:
// a stand-in may shadow it on PATH), each 2 at a time and each writing its files.
// Goals: >= 0.85x the sharp loop and >= 5x ImageMagick. Prints each side's peak RSS.
//
//   BENCH_SOURCES=20 npm run bench:renditions     fewer sources (default 100)
//   BENCH_SKIP_IM=1  npm run bench:renditions     without the ImageMagick baseline
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { pool } from '../core/util.ts';
import { createRenditionQueue } from '../renditions/queue.ts';
import { loadSpecs } from '../renditions/specs.ts';
import { FsBlobStore } from '../store/blob-store.ts';
import { testRedis } from '../test/redis.ts';
import { scene } from '../vision/test-fixtures.ts';

const run = promisify(execFile);
const SOURCES = Number(process.env.BENCH_SOURCES ?? 100);
const WIDTH = 3000;
const HEIGHT = 2000;
const SPECS = [
  'instagram-feed',
  'instagram-story',
  'facebook-link',
  'display-mrec',
  'web-hero',
  'email-header',
];
const QUALITY = 86;
// Jobs each worker runs at once (curator worker's default): one renders while the other does I/O.
const PER_WORKER = Number(process.env.BENCH_PER_WORKER ?? 2);
const CONVERT = '/usr/bin/convert';
/** Slices of the sources each side runs in turn. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const ROOT = path.resolve(import.meta.dirname, '..');
const CACHE = path.join(os.tmpdir(), `curator-bench-renditions-${WIDTH}x${HEIGHT}-v1`);

async function sources(): Promise<string[]> {
  await mkdir(CACHE, { recursive: true });
  const files = Array.from({ length: SOURCES }, (_, i) =>
    path.join(CACHE, `src-${String(i).padStart(3, '0')}.jpg`),
  );
  const missing: string[] = [];
  for (const f of files) if (!(await stat(f).catch(() => null))?.size) missing.push(f);
  if (missing.length) {
    process.stderr.write(`generating ${missing.length} ${WIDTH}x${HEIGHT} JPEGs in ${CACHE}…\n`);
    await pool(missing, 2, async (f) => {
      const seed = Number(/src-(\d+)/.exec(f)![1]) + 1;
      await writeFile(f, await scene(seed, { width: WIDTH, height: HEIGHT, quality: 90 }));
    });
  }
  return files;
}

/** Peak RSS of this process while `fn` runs, sampled every 20 ms, and the wall time. */
async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; s: number; rssMb: number }> {
  let peak = process.memoryUsage.rss();
  const t = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  const t0 = performance.now();
  try {
    const result = await fn();
    return { result, s: (performance.now() - t0) / 1000, rssMb: peak / 2 ** 20 };
  } finally {
    clearInterval(t);
  }
}

/** A process's peak resident set (VmHWM), in MB, from /proc. */
async function peakRssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function main() {
  const files = await sources();
  const specs = await loadSpecs();
  const targets = SPECS.map((id) => specs.get(id));
  const jobs = files.flatMap((file) => targets.map((spec) => ({ file, spec })));
  const n = jobs.length;
  console.log(
    `${SOURCES} sources ${WIDTH}×${HEIGHT} JPEG × ${targets.length} specs = ${n} renditions (centre crop, JPEG q${QUALITY}), 2 at a time each; ${os.availableParallelism()} cores\n`,
  );

  // Every side runs on the same sources in turn, round after round (ROUNDS slices of the sources):
  // a machine that speeds up or slows down meanwhile weighs on all of them alike.
  const redis = await testRedis();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'curator-bench-renditions-'));
  const blobs = new FsBlobStore(path.join(dir, 'blobs'));
  const keys = new Map<string, string>();
  for (const f of files) keys.set(f, (await blobs.put(await readFile(f))).key);
  const prefix = `bench${Date.now().toString(36)}`;
  const env = {
    ...process.env,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: prefix,
    DATA_DIR: dir,
    LOG_LEVEL: 'warn',
  };
  const workers = [0, 1].map(() =>
    spawn(
      process.execPath,
      [path.join(ROOT, 'bin/curator.js'), 'worker', '--concurrency', String(PER_WORKER)],
      { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] },
    ),
  );
  const queue = createRenditionQueue({
    blobs,
    specs,
    limits: { maxPixels: 100e6 },
    redisUrl: redis.url,
    prefix,
  });
  const local = createRenditionQueue({ blobs, specs, limits: { maxPixels: 100e6 } });
  // Warm-up: one job per worker, so process start and module loading are not timed.
  await Promise.all(
    [0, 1].map((i) =>
      queue.run({
        source: keys.get(files[i % files.length]!)!,
        spec: { id: 'display-mobile-banner', version: 1 },
        fit: 'crop',
      }),
    ),
  );
  const useIm = !process.env.BENCH_SKIP_IM && existsSync(CONVERT);
  const scratch = path.join(dir, 'out');
  await mkdir(scratch, { recursive: true });
  const recipe = (j: (typeof jobs)[number], quality: number) => ({
    source: keys.get(j.file)!,
    spec: { id: j.spec.id, version: j.spec.version },
    fit: 'crop' as const,
    format: 'jpeg' as const,
    quality,
  });
  const sides = {
    // 1. A plain sharp loop: decode, cover-resize, encode, write the file (as ImageMagick does).
    plain: (part: typeof jobs) =>
      pool(part, 2, async ({ file, spec }, i) => {
        await sharp(file)
          .resize(spec.width, spec.height, { fit: 'cover' })
          .jpeg({ quality: QUALITY })
          .toFile(path.join(scratch, `s${i}.jpg`));
      }),
    // 1b. The same loop keeping its outputs in memory: the floor, with no file written at all.
    memory: (part: typeof jobs) =>
      pool(part, 2, async ({ file, spec }) => {
        await sharp(file)
          .resize(spec.width, spec.height, { fit: 'cover' })
          .jpeg({ quality: QUALITY })
          .toBuffer();
      }),
    // 2. Curator's queue: BullMQ on Redis, two worker processes, the engine's full output path
    //    (exact size, sRGB with the profile, byte limit checked, metadata stripped, blob written).
    queued: (part: typeof jobs) =>
      Promise.all(part.map((j) => queue.run(recipe(j, QUALITY), { timeoutMs: 30 * 60_000 }))),
    // 2b. Without Redis: the same processor in this process, 2 at a time (another quality: new
    //     recipes, so it renders rather than finds). sharp works on libuv's threads, so the event
    //     loop stays free: its delay is measured while this side runs.
    inProcess: (part: typeof jobs) =>
      Promise.all(part.map((j) => local.run(recipe(j, QUALITY - 1)))),
    // 3. ImageMagick: the same centre crops with `convert`, two processes at a time.
    im: (part: typeof jobs) =>
      pool(part, 2, async ({ file, spec }, i) => {
        const size = `${spec.width}x${spec.height}`;
        await run(CONVERT, [
          file,
          '-resize',
          `${size}^`,
          '-gravity',
          'center',
          '-extent',
          size,
          '-quality',
          String(QUALITY),
          path.join(scratch, `m${i}.jpg`),
        ]);
      }),
  };
  type Side = keyof typeof sides;
  const seconds: Record<Side, number> = { plain: 0, memory: 0, queued: 0, inProcess: 0, im: 0 };
  const rss: Record<Side, number> = { plain: 0, memory: 0, queued: 0, inProcess: 0, im: 0 };
  // One monitor per round: a re-enabled one would count the pause between rounds as delay.
  const lags: ReturnType<typeof monitorEventLoopDelay>[] = [];
  const cpu = { queued: 0 };
  let sizesOk = true;
  const per = Math.ceil(files.length / ROUNDS);
  for (let r = 0; r < ROUNDS; r++) {
    const slice = new Set(files.slice(r * per, (r + 1) * per));
    const part = jobs.filter((j) => slice.has(j.file));
    if (!part.length) continue;
    for (const side of Object.keys(sides) as Side[]) {
      if (side === 'im' && !useIm) continue;
      const lag = side === 'inProcess' ? monitorEventLoopDelay({ resolution: 10 }) : undefined;
      lag?.enable();
      const cpu0 = process.cpuUsage();
      const t = await timed(() => sides[side](part) as Promise<unknown>);
      if (lag) {
        lag.disable();
        lags.push(lag);
      }
      if (side === 'queued') {
        const c = process.cpuUsage(cpu0);
        cpu.queued += (c.user + c.system) / 1e6;
        const outs = t.result as { width: number; height: number }[];
        sizesOk &&= outs.every(
          (o, i) => o.width === part[i]!.spec.width && o.height === part[i]!.spec.height,
        );
      }
      seconds[side] += t.s;
      rss[side] = Math.max(rss[side], t.rssMb);
    }
  }
  const workerRss = await Promise.all(workers.map((w) => peakRssOf(w.pid!)));
  for (const w of workers) w.kill('SIGTERM');
  await queue.close();
  await local.close();
  await redis.stop();
  const plain = { s: seconds.plain, rssMb: rss.plain };
  const memory = { s: seconds.memory };
  const queued = { s: seconds.queued, rssMb: rss.queued };
  const inProcess = { s: seconds.inProcess };
  const im = useIm ? { s: seconds.im } : undefined;
  const enqueuerCpu = { user: cpu.queued * 1e6, system: 0 };
  await rm(dir, { recursive: true, force: true });

  const rate = (s: number) => n / s;
  const late = (ns: number) => Math.max(0, ns / 1e6 - 10).toFixed(1);
  const row = (name: string, s: number, rss: string) =>
    console.log(`${name.padEnd(38)} ${rate(s).toFixed(1).padStart(7)} renditions/s   ${rss}`);
  row('plain sharp loop, to files (baseline)', plain.s, `peak RSS ${plain.rssMb.toFixed(0)} MB`);
  row('plain sharp loop, in memory', memory.s, 'writes nothing: the floor');
  row(
    'Curator queue, 2 workers',
    queued.s,
    `peak RSS per worker ${workerRss.map((r) => r.toFixed(0)).join(' / ')} MB (the enqueuer: ${queued.rssMb.toFixed(0)} MB, ${((enqueuerCpu.user + enqueuerCpu.system) / 1e6).toFixed(1)} s CPU)`,
  );
  row(
    'Curator in-process (no REDIS_URL)',
    inProcess.s,
    // The histogram holds each 10 ms tick's interval: the delay is what exceeds the 10 ms.
    `event-loop delay meanwhile (worst round): p50 ${late(Math.max(...lags.map((l) => l.percentile(50))))} ms, p99 ${late(Math.max(...lags.map((l) => l.percentile(99))))} ms, max ${late(Math.max(...lags.map((l) => l.max)))} ms`,
  );
  if (im) row('ImageMagick convert', im.s, '(one process per rendition)');
  console.log('');
  const vsSharp = plain.s / queued.s;
  console.log(`queue / sharp loop to files: ${vsSharp.toFixed(2)}x (goal >= 0.85x)`);
  console.log(`queue / sharp loop in memory: ${(memory.s / queued.s).toFixed(2)}x`);
  if (im) console.log(`queue / ImageMagick: ${(im.s / queued.s).toFixed(2)}x (goal >= 5x)`);
  console.log(`every output at its spec's exact size: ${sizesOk ? 'yes' : 'NO'}`);
  process.exit(0);
}

void main();
