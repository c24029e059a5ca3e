import os from 'node:os';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { loadConfig } from '../core/config.ts';
import { AppError } from '../core/errors.ts';
import { createLogger } from '../core/log.ts';
import { RECIPE_KINDS } from '../core/recipe-kinds.ts';
import { outpaintProvider } from '../renditions/outpaint.ts';
import { startRenditionWorker } from '../renditions/queue.ts';
import { loadSpecs } from '../renditions/specs.ts';
import { FsBlobStore } from '../store/blob-store.ts';

export const summary =
  'run a rendition worker on the cpu or gpu lane (needs REDIS_URL); SIGTERM drains it';

/**
 * A worker is stateless: it reads sources from and writes outputs to the blob store, and never
 * opens the database, so it runs beside `curator serve` on the same DATA_DIR (or on another
 * machine sharing the blob store).
 */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      lane: { type: 'string', default: 'cpu' },
      concurrency: { type: 'string', default: '2' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stderr.write(
      'usage: curator worker [--lane cpu|gpu] [--concurrency N]\n  REDIS_URL, DATA_DIR, QUEUE_PREFIX come from the environment; the gpu lane also needs\n  OUTPAINT_PROVIDER (openai with OPENAI_API_KEY, or sd-webui with OUTPAINT_URL).\n',
    );
    return 0;
  }
  const config = loadConfig();
  const log = createLogger(config.logLevel, 'curator-worker');
  if (!config.renditions.redisUrl) {
    throw new AppError(
      'config',
      'curator worker takes jobs from Redis: set REDIS_URL. Without it, curator serve renders in its own process.',
    );
  }
  const lane = values.lane;
  if (lane !== 'cpu' && lane !== 'gpu') {
    throw new AppError('config', `--lane ${lane}: cpu (fitting and encoding) or gpu (outpainting)`);
  }
  const outpaint = lane === 'gpu' ? outpaintProvider(config.renditions.outpaint) : undefined;
  if (lane === 'gpu' && !outpaint) {
    throw new AppError(
      'config',
      'the gpu lane paints with an image model: set OUTPAINT_PROVIDER (openai or sd-webui)',
    );
  }
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new AppError('config', '--concurrency: a whole number from 1 to 64');
  }
  // Jobs run side by side: each libvips pipeline gets its share of the cores, not all of them.
  sharp.concurrency(Math.max(1, Math.floor(os.availableParallelism() / concurrency)));
  const worker = startRenditionWorker({
    blobs: new FsBlobStore(config.blobDir),
    specs: await loadSpecs(config.renditions.specsFile),
    limits: { maxPixels: config.limits.maxPixels },
    redisUrl: config.renditions.redisUrl,
    prefix: config.renditions.queuePrefix,
    concurrency,
    lockMs: config.renditions.lockMs,
    lane,
    outpaint,
    kinds: RECIPE_KINDS,
  });
  worker.on('failed', (job, err) =>
    log.warn({ jobId: job?.id, err: err.message }, 'rendition failed'),
  );
  worker.on('active', (job) => log.info({ jobId: job.id }, 'rendition started'));
  worker.on('completed', (job) => log.info({ jobId: job.id }, 'rendition made'));
  worker.on('error', (err) => log.error({ err }, 'worker error'));
  await worker.waitUntilReady();
  log.info(
    { lane, concurrency, ...(outpaint ? { model: `${outpaint.id} ${outpaint.model}` } : {}) },
    'rendition worker ready',
  );
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      // close() stops taking jobs and waits for the running ones to finish.
      log.info({ signal }, 'draining: finishing the renditions in progress');
      await worker.close();
      log.info('drained');
      resolve(0);
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
  });
}
