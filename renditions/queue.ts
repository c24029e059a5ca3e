// Renditions on a queue. With REDIS_URL, BullMQ carries them on a lane (`renditions-cpu`; the GPU
// lane comes with generative extend): the job id is the recipe's hash, so asking twice makes one
// job and one file; faults retry with exponential backoff, and bad input (a corrupt source, a
// format the spec refuses) fails at once with UnrecoverableError. Without REDIS_URL the same
// processor runs in the process with bounded concurrency, the embedded default.
//
// The processor is stateless: it reads the source blob, renders, writes the output blob and
// returns its metadata. Recording the rendition is the service's job, so the store has one writer.
import { Queue, QueueEvents, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { AppError, isAppError } from '../core/errors.ts';
import type { BlobStore } from '../store/blob-store.ts';
import { Recipe, recipeHash, render } from './render.ts';
import type { SpecCatalog } from './specs.ts';

export const LANES = { cpu: 'renditions-cpu' } as const;

export const RenditionOutput = z.object({
  hash: z.string(),
  blobKey: z.string(),
  bytes: z.number().int(),
  width: z.number().int(),
  height: z.number().int(),
  format: z.string(),
  quality: z.number().nullable(),
  explanation: z.string(),
});
export type RenditionOutput = z.infer<typeof RenditionOutput>;

export interface ProcessorDeps {
  blobs: BlobStore;
  specs: SpecCatalog;
  limits: { maxPixels: number };
}

/** One job: the recipe in, the output blob and its metadata out. Bad input is unrecoverable. */
export function renditionProcessor(deps: ProcessorDeps) {
  return async (data: unknown): Promise<RenditionOutput> => {
    const parsed = Recipe.safeParse(data);
    if (!parsed.success) throw new UnrecoverableError(`not a recipe: ${parsed.error.message}`);
    const recipe = parsed.data;
    try {
      const spec = deps.specs.get(recipe.spec.id);
      if (spec.version !== recipe.spec.version) {
        throw new AppError(
          'invalid_input',
          `spec ${spec.id} is at version ${spec.version}, the recipe asks for ${recipe.spec.version}`,
        );
      }
      const source = await deps.blobs.get(recipe.source);
      const out = await render(source, spec, recipe, deps.limits);
      const blob = await deps.blobs.put(out.data);
      return {
        hash: recipeHash(recipe),
        blobKey: blob.key,
        bytes: out.bytes,
        width: out.width,
        height: out.height,
        format: out.format,
        quality: out.quality,
        explanation: out.explanation,
      };
    } catch (e) {
      // Input that is wrong stays wrong: no retry. Anything else (a disk, a lost blob read) may pass.
      if (isAppError(e) && e.code !== 'internal' && e.code !== 'unavailable') {
        throw new UnrecoverableError(e.message);
      }
      throw e;
    }
  };
}

export interface RenditionQueueOptions extends ProcessorDeps {
  /** redis://…; absent: the in-process runner. */
  redisUrl?: string;
  /** A prefix for the queue's keys (tests give each run its own). */
  prefix?: string;
  attempts?: number;
  backoffMs?: number;
}

/** Enqueue renditions and wait for them, on BullMQ or in the process. */
export interface RenditionQueue {
  readonly mode: 'bullmq' | 'in-process';
  /** Adds the job (idempotent by recipe hash) and resolves with its output. */
  run(recipe: z.input<typeof Recipe>, opts?: { timeoutMs?: number }): Promise<RenditionOutput>;
  close(): Promise<void>;
}

export function createRenditionQueue(opts: RenditionQueueOptions): RenditionQueue {
  return opts.redisUrl ? new BullQueue(opts) : new InProcessQueue(opts);
}

class BullQueue implements RenditionQueue {
  readonly mode = 'bullmq' as const;
  private readonly connection: Redis;
  private readonly queue: Queue;
  private readonly events: QueueEvents;
  private readonly attempts: number;
  private readonly backoffMs: number;

  constructor(opts: RenditionQueueOptions) {
    // Blocking commands must wait through a reconnect rather than fail.
    this.connection = new Redis(opts.redisUrl!, { maxRetriesPerRequest: null });
    const common = { connection: this.connection, prefix: opts.prefix ?? 'curator' };
    this.queue = new Queue(LANES.cpu, common);
    this.events = new QueueEvents(LANES.cpu, {
      connection: new Redis(opts.redisUrl!, { maxRetriesPerRequest: null }),
      prefix: common.prefix,
    });
    this.attempts = opts.attempts ?? 3;
    this.backoffMs = opts.backoffMs ?? 1000;
  }

  async run(recipe: z.input<typeof Recipe>, o: { timeoutMs?: number } = {}) {
    const parsed = Recipe.parse(recipe);
    const jobId = recipeHash(parsed);
    await this.events.waitUntilReady();
    const job = await this.queue.add('render', parsed, {
      jobId,
      attempts: this.attempts,
      backoff: { type: 'exponential', delay: this.backoffMs },
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
    try {
      return RenditionOutput.parse(
        await job.waitUntilFinished(this.events, o.timeoutMs ?? 120_000),
      );
    } catch (e) {
      throw new AppError(
        'rejected',
        `rendition ${jobId.slice(0, 12)} failed: ${(e as Error).message}`,
      );
    }
  }

  async close() {
    await this.events.close();
    await this.queue.close();
    await this.connection.quit().catch(() => {});
  }
}

/** A worker on the CPU lane: `curator worker --lane cpu` runs one. */
export function startRenditionWorker(
  opts: ProcessorDeps & { redisUrl: string; prefix?: string; concurrency?: number },
): Worker {
  const processor = renditionProcessor(opts);
  return new Worker(LANES.cpu, async (job) => processor(job.data), {
    connection: new Redis(opts.redisUrl, { maxRetriesPerRequest: null }),
    prefix: opts.prefix ?? 'curator',
    concurrency: opts.concurrency ?? 2,
  });
}

/** Without Redis: the same processor, one job per recipe at a time, a few at once. */
class InProcessQueue implements RenditionQueue {
  readonly mode = 'in-process' as const;
  private readonly processor: ReturnType<typeof renditionProcessor>;
  private readonly running = new Map<string, Promise<RenditionOutput>>();
  private readonly done = new Map<string, RenditionOutput>();
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    opts: RenditionQueueOptions,
    private readonly concurrency = 2,
  ) {
    this.processor = renditionProcessor(opts);
  }

  async run(recipe: z.input<typeof Recipe>) {
    const parsed = Recipe.parse(recipe);
    const id = recipeHash(parsed);
    const finished = this.done.get(id);
    if (finished) return finished;
    let p = this.running.get(id);
    if (!p) {
      p = this.slot(() => this.processor(parsed))
        .then((out) => {
          // The latest few hundred outputs, so a repeated request is answered without a render.
          this.done.set(id, out);
          if (this.done.size > 500) this.done.delete(this.done.keys().next().value!);
          return out;
        })
        .catch((e: unknown) => {
          throw new AppError(
            'rejected',
            `rendition ${id.slice(0, 12)} failed: ${(e as Error).message}`,
          );
        })
        .finally(() => this.running.delete(id));
      this.running.set(id, p);
    }
    return p;
  }

  private async slot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrency) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  async close() {
    await Promise.allSettled(this.running.values());
  }
}
