// `npm run bench:ingest`: Curator's full ingestion (sniff, hash, decode, palette, pHash, composition,
// metadata, thumbnail, two blob writes, one SurrealDB record on the default surrealkv:// engine)
// against a plain sharp decode + 512 px WebP thumbnail loop over the same 200 3000x2000 JPEGs,
// at the same concurrency, in the same run. Goal: ratio >= 0.6.
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { loadConfig } from '../core/config.ts';
import { createDeps } from '../core/deps.ts';
import { pool } from '../core/util.ts';
import { defaultConcurrency, runIngest } from '../ingest/ingest.ts';
import { sha256 } from '../store/blob-store.ts';
import { analyzeImage } from '../vision/analyze.ts';
import { scene } from '../vision/test-fixtures.ts';

const COUNT = Number(process.env.BENCH_COUNT ?? 200);
const WIDTH = 3000;
const HEIGHT = 2000;
const CACHE = path.join(os.tmpdir(), `curator-bench-ingest-${WIDTH}x${HEIGHT}-v1`);

async function ensureImages(): Promise<string[]> {
  await mkdir(CACHE, { recursive: true });
  const want = Array.from({ length: COUNT }, (_, i) =>
    path.join(CACHE, `img-${String(i).padStart(3, '0')}.jpg`),
  );
  const missing: string[] = [];
  for (const f of want) if (!(await stat(f).catch(() => null))?.size) missing.push(f);
  if (missing.length) {
    process.stderr.write(
      `generating ${missing.length} ${WIDTH}x${HEIGHT} JPEGs in ${CACHE} (cached for later runs)…\n`,
    );
    await pool(missing, Math.max(1, os.availableParallelism()), async (f) => {
      const seed = Number(/img-(\d+)/.exec(f)![1]) + 1;
      await writeFile(f, await scene(seed, { width: WIDTH, height: HEIGHT, quality: 85 }));
    });
  }
  return want;
}

interface Measured<T> {
  result: T;
  seconds: number;
  /** CPU time of the whole process (all threads: libvips, SurrealDB, libuv) per image. */
  cpuMsPerImage: number;
  peakRssMb: number;
}

/** Wall time, process CPU time and peak RSS (sampled every 20 ms) while `fn` runs. */
async function measure<T>(images: number, fn: () => Promise<T>): Promise<Measured<T>> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    const result = await fn();
    const cpu = process.cpuUsage(cpu0);
    return {
      result,
      seconds: (performance.now() - t0) / 1000,
      cpuMsPerImage: (cpu.user + cpu.system) / 1000 / images,
      peakRssMb: Math.round(peak / 2 ** 20),
    };
  } finally {
    clearInterval(timer);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main() {
  const files = await ensureImages();
  const totalMb =
    (await Promise.all(files.map((f) => stat(f)))).reduce((s, x) => s + x.size, 0) / 2 ** 20;
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? defaultConcurrency());
  const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 2));
  const work = await mkdtemp(path.join(os.tmpdir(), 'curator-bench-run-'));
  try {
    // Warm-up: load libvips code paths and the page cache for a few files.
    for (const f of files.slice(0, 3))
      await sharp(f).resize(512, 512, { fit: 'inside' }).webp().toBuffer();

    // Rounds alternate baseline and Curator, so a burst of load from elsewhere hits both.
    const base: Measured<unknown>[] = [];
    const ours: Measured<unknown>[] = [];
    const vision: Measured<unknown>[] = [];
    let blobFiles = 0;
    for (let round = 0; round < rounds; round++) {
      base.push(
        await measure(files.length, () =>
          pool(files, concurrency, async (f) => {
            // Results are dropped as the old loop did: the baseline's memory is one image at a time.
            await sharp(f).resize(512, 512, { fit: 'inside' }).webp().toBuffer();
          }),
        ),
      );
      // Diagnostic: Curator's read + hash + analysis without the store, to show where time goes.
      vision.push(
        await measure(files.length, () =>
          pool(files, concurrency, async (f) => {
            const data = await readFile(f);
            sha256(data);
            await analyzeImage(data, { maxPixels: 100e6 });
          }),
        ),
      );
      const dataDir = path.join(work, `data-${round}`);
      const config = loadConfig({
        ...process.env,
        DATA_DIR: dataDir,
        SURREAL_URL: '',
        LOG_LEVEL: 'warn',
        DEMO_SEED: 'off',
      });
      const deps = await createDeps(config);
      try {
        const m = await measure(files.length, () => runIngest(deps, [CACHE], { concurrency }));
        const { report } = m.result;
        if (report.ingested.length !== files.length) {
          throw new Error(
            `expected ${files.length} ingested, got ${report.ingested.length}: ${JSON.stringify(report.rejected.slice(0, 3))}`,
          );
        }
        ours.push(m);
      } finally {
        await deps.close();
      }
      blobFiles = (
        await readdir(path.join(dataDir, 'blobs'), { recursive: true, withFileTypes: true })
      ).filter((e) => e.isFile()).length;
    }

    const ips = (ms: Measured<unknown>[]) => median(ms.map((m) => files.length / m.seconds));
    const cpu = (ms: Measured<unknown>[]) => median(ms.map((m) => m.cpuMsPerImage));
    const peak = (ms: Measured<unknown>[]) => Math.max(...ms.map((m) => m.peakRssMb));
    const runs = (ms: Measured<unknown>[]) =>
      ms.map((m) => (files.length / m.seconds).toFixed(1)).join(', ');
    const ratio = ips(ours) / ips(base);
    const cpuRatio = cpu(base) / cpu(ours);
    const rows = [
      [
        'images',
        `${files.length} JPEG ${WIDTH}x${HEIGHT} (${totalMb.toFixed(0)} MB), ${rounds} round(s)`,
      ],
      [
        'cpus / concurrency',
        `${os.availableParallelism()} / ${concurrency} (load avg ${os.loadavg()[0]!.toFixed(1)})`,
      ],
      [
        'sharp thumbnail loop',
        `${ips(base).toFixed(2)} images/s [${runs(base)}], ${cpu(base).toFixed(0)} CPU-ms/image, peak RSS ${peak(base)} MB`,
      ],
      [
        'curator ingestSources',
        `${ips(ours).toFixed(2)} images/s [${runs(ours)}], ${cpu(ours).toFixed(0)} CPU-ms/image, peak RSS ${peak(ours)} MB`,
      ],
      [
        '  of which analysis',
        `${ips(vision).toFixed(2)} images/s [${runs(vision)}], ${cpu(vision).toFixed(0)} CPU-ms/image (read, sha256, analyzeImage; no store)`,
      ],
      [
        'ratio (goal >= 0.6)',
        `${ratio.toFixed(2)} ${ratio >= 0.6 ? 'OK' : 'BELOW GOAL'} (by CPU time: ${cpuRatio.toFixed(2)})`,
      ],
      ['process maxRSS', `${Math.round(process.resourceUsage().maxRSS / 1024)} MB`],
      ['blob store files', `${blobFiles} (originals + thumbnails)`],
    ];
    const w = Math.max(...rows.map((r) => r[0]!.length));
    process.stdout.write(`${rows.map(([k, v]) => `${k!.padEnd(w)}  ${v}`).join('\n')}\n`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${(e as Error)?.stack ?? e}\n`);
    process.exit(1);
  },
);
