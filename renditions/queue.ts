// Renditions on a queue. With REDIS_URL, BullMQ carries them on a lane (`renditions-cpu`; the GPU
// lane comes with generative extend): the job id is the recipe's hash, so asking twice makes one
// job and one file; faults retry with exponential backoff, and bad input (a corrupt source, a
// format the spec refuses) fails at once with UnrecoverableError. Without REDIS_URL the same
// processor runs in the process with bounded concurrency, the embedded default.
//
// The processor is stateless: it reads the source blob, renders, writes the output blob and
// returns its metadata. Recording the rendition is the service's job, so the store has one writer.
import { FlowProducer, Queue, QueueEvents, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { AppError, isAppError } from '../core/errors.ts';
import type { BlobStore } from '../store/blob-store.ts';
import { type AnyRecipeKind, kindHash } from './kinds.ts';
import type { OutpaintProvider } from './outpaint.ts';
import { Recipe, recipeHash, render } from './render.ts';
import type { SpecCatalog } from './specs.ts';

export const LANES = { cpu: 'renditions-cpu', gpu: 'renditions-gpu' } as const;
/** The queue of flow parents: a ripple's level waits there until all its renditions are through. */
export const FLOWS = 'rendition-flows';
export type Lane = keyof typeof LANES;

/** Generative work needs the GPU lane (an image model); fitting and encoding run on the CPU lane. */
export const laneOf = (r: { fit?: string }): Lane => (r.fit === 'outpaint' ? 'gpu' : 'cpu');

export const RenditionOutput = z.object({
  hash: z.string(),
  blobKey: z.string(),
  bytes: z.number().int(),
  width: z.number().int(),
  height: z.number().int(),
  format: z.string(),
  quality: z.number().nullable(),
  explanation: z.string(),
  window: z
    .object({ left: z.number(), top: z.number(), width: z.number(), height: z.number() })
    .optional(),
});
export type RenditionOutput = z.infer<typeof RenditionOutput>;

export interface ProcessorDeps {
  blobs: BlobStore;
  specs: SpecCatalog;
  limits: { maxPixels: number };
  /** The GPU lane's image model, for outpaint recipes. */
  outpaint?: OutpaintProvider;
  /** Recipe kinds other than fitting a source (the demo's template re-layout). */
  kinds?: readonly AnyRecipeKind[];
}

/** Where a job stands, as `rendition-status` reports it. */
export interface JobState {
  state: 'queued' | 'running' | 'done' | 'failed';
  /** 0..100 while it runs. */
  progress?: number;
  output?: RenditionOutput;
  error?: string;
  /** Tries so far (a fault retries with backoff). */
  attempts?: number;
  /** The job's recipe, when the queue keeps it. */
  recipe?: Recipe;
}

/** One job: the recipe in, the output blob and its metadata out. Bad input is unrecoverable. */
export function renditionProcessor(deps: ProcessorDeps) {
  return async (
    data: unknown,
    progress: (pct: number) => unknown = () => {},
  ): Promise<RenditionOutput> => {
    const kindName = (data as { kind?: unknown } | null)?.kind;
    if (typeof kindName === 'string') return makeKind(deps, kindName, data);
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
      const out = await render(source, spec, recipe, deps.limits, { outpaint: deps.outpaint });
      // Rendered, being written: one report per job keeps Redis round trips off the hot path.
      await progress(80);
      return await written(deps, recipeHash(recipe), out);
    } catch (e) {
      throw retryable(e);
    }
  };
}

/** The output in the blob store, and what the service records of it. */
async function written(
  deps: ProcessorDeps,
  hash: string,
  out: Omit<RenditionOutput, 'hash' | 'blobKey' | 'bytes'> & { data: Buffer },
): Promise<RenditionOutput> {
  const blob = await deps.blobs.put(out.data);
  return {
    hash,
    blobKey: blob.key,
    bytes: out.data.length,
    width: out.width,
    height: out.height,
    format: out.format,
    quality: out.quality,
    explanation: out.explanation,
    ...(out.window ? { window: out.window } : {}),
  };
}

/** Input that is wrong stays wrong: no retry. Anything else (a disk, a provider) may pass. */
function retryable(e: unknown): unknown {
  return isAppError(e) && e.code !== 'internal' && e.code !== 'unavailable'
    ? new UnrecoverableError(e.message)
    : e;
}

/** A recipe of a registered kind: made from the recipe alone, written like any output. */
async function makeKind(
  deps: ProcessorDeps,
  name: string,
  data: unknown,
): Promise<RenditionOutput> {
  const kind = deps.kinds?.find((k) => k.kind === name);
  if (!kind)
    throw new UnrecoverableError(`no recipe kind ${JSON.stringify(name.slice(0, 40))} here`);
  const parsed = kind.schema.safeParse(data);
  if (!parsed.success)
    throw new UnrecoverableError(`not a ${name} recipe: ${parsed.error.message}`);
  try {
    return await written(deps, kindHash(parsed.data), await kind.make(parsed.data));
  } catch (e) {
    throw retryable(e);
  }
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
  /**
   * Many recipes as one group (a ripple's level): on BullMQ a flow, a parent job (id `group`) whose
   * children are the renditions, so the group survives this process and is picked up again by its
   * id; in the process, the same recipes a few at a time. Resolves when every one is through.
   */
  runGroup(
    group: string,
    recipes: readonly z.input<typeof Recipe>[],
    opts?: { timeoutMs?: number },
  ): Promise<GroupResult[]>;
  /** Where the job of this recipe hash stands, or null when the queue holds no such job. */
  state(hash: string): Promise<JobState | null>;
  close(): Promise<void>;
}

export type GroupResult = { hash: string; output?: RenditionOutput; error?: string };

export function createRenditionQueue(opts: RenditionQueueOptions): RenditionQueue {
  return opts.redisUrl ? new BullQueue(opts) : new InProcessQueue(opts);
}

class BullQueue implements RenditionQueue {
  readonly mode = 'bullmq' as const;
  private readonly lanes = new Map<Lane, { queue: Queue; events: QueueEvents }>();
  /** Opened with the first lane: a command that never renders never connects to Redis. */
  private connection?: Redis;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private flows?: { producer: FlowProducer; queue: Queue; events: QueueEvents; worker: Worker };

  constructor(private readonly opts: RenditionQueueOptions) {
    this.attempts = opts.attempts ?? 3;
    this.backoffMs = opts.backoffMs ?? 1000;
  }

  /** A lane's queue and its events, opened on first use (most libraries never outpaint). */
  private lane(lane: Lane) {
    let l = this.lanes.get(lane);
    if (!l) {
      const prefix = this.opts.prefix ?? 'curator';
      // Blocking commands must wait through a reconnect rather than fail.
      this.connection ??= new Redis(this.opts.redisUrl!, { maxRetriesPerRequest: null });
      l = {
        queue: new Queue(LANES[lane], { connection: this.connection, prefix }),
        events: new QueueEvents(LANES[lane], {
          connection: new Redis(this.opts.redisUrl!, { maxRetriesPerRequest: null }),
          prefix,
        }),
      };
      // Each waiting request listens on these: a batch of hundreds is expected, not a leak.
      l.queue.setMaxListeners(0);
      l.events.setMaxListeners(0);
      this.lanes.set(lane, l);
    }
    return l;
  }

  async run(recipe: z.input<typeof Recipe>, o: { timeoutMs?: number } = {}) {
    const parsed = Recipe.parse(recipe);
    const jobId = recipeHash(parsed);
    const { queue, events } = this.lane(laneOf(parsed));
    await events.waitUntilReady();
    const job = await queue.add('render', parsed, this.jobOpts(jobId));
    try {
      return RenditionOutput.parse(await job.waitUntilFinished(events, o.timeoutMs ?? 120_000));
    } catch (e) {
      throw new AppError(
        'rejected',
        `rendition ${jobId.slice(0, 12)} failed: ${(e as Error).message}`,
      );
    }
  }

  private jobOpts(jobId: string) {
    return {
      jobId,
      attempts: this.attempts,
      backoff: { type: 'exponential', delay: this.backoffMs },
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    };
  }

  /** The flow parents' queue; this process runs their (trivial) worker: children carry the work. */
  private flowLane() {
    if (!this.flows) {
      const prefix = this.opts.prefix ?? 'curator';
      const url = this.opts.redisUrl!;
      this.connection ??= new Redis(url, { maxRetriesPerRequest: null });
      this.flows = {
        producer: new FlowProducer({ connection: this.connection, prefix }),
        queue: new Queue(FLOWS, { connection: this.connection, prefix }),
        events: new QueueEvents(FLOWS, {
          connection: new Redis(url, { maxRetriesPerRequest: null }),
          prefix,
        }),
        worker: new Worker(
          FLOWS,
          async (job) => Object.keys(await job.getChildrenValues()).length,
          { connection: new Redis(url, { maxRetriesPerRequest: null }), prefix, concurrency: 8 },
        ),
      };
      this.flows.events.setMaxListeners(0);
    }
    return this.flows;
  }

  async runGroup(
    group: string,
    recipes: readonly z.input<typeof Recipe>[],
    o: { timeoutMs?: number } = {},
  ): Promise<GroupResult[]> {
    const parsed = recipes.map((r) => Recipe.parse(r));
    const hashes = parsed.map((r) => recipeHash(r));
    if (!parsed.length) return [];
    const f = this.flowLane();
    await f.events.waitUntilReady();
    let parent = await f.queue.getJob(group);
    if (parent && (await parent.getState()) === 'failed') {
      await parent.remove({ removeChildren: false }).catch(() => {});
      parent = undefined;
    }
    if (!parent) {
      // Children whose job is already through (an earlier request) count as done for the parent.
      const node = await f.producer.add({
        name: 'group',
        queueName: FLOWS,
        data: { group, renditions: parsed.length },
        opts: {
          jobId: group,
          removeOnComplete: { age: 7 * 24 * 3600 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
        children: parsed.map((r, i) => ({
          name: 'render',
          queueName: LANES[laneOf(r)],
          data: r,
          // A child that fails for good is reported, and the others still finish the group.
          opts: { ...this.jobOpts(hashes[i]!), ignoreDependencyOnFailure: true },
        })),
      });
      parent = node.job;
    }
    await parent.waitUntilFinished(f.events, o.timeoutMs ?? 30 * 60_000);
    return Promise.all(
      hashes.map(async (hash): Promise<GroupResult> => {
        const s = await this.state(hash);
        return s?.state === 'done' && s.output
          ? { hash, output: s.output }
          : { hash, error: s?.error ?? 'the job is gone from the queue' };
      }),
    );
  }

  async state(hash: string): Promise<JobState | null> {
    let job: Awaited<ReturnType<Queue['getJob']>> | undefined;
    for (const lane of Object.keys(LANES) as Lane[]) {
      job = await this.lane(lane).queue.getJob(hash);
      if (job) break;
    }
    if (!job) return null;
    const s = await job.getState();
    const attempts = job.attemptsMade;
    if (s === 'completed') {
      const out = RenditionOutput.safeParse(job.returnvalue);
      const recipe = Recipe.safeParse(job.data);
      return out.success
        ? { state: 'done', output: out.data, attempts, recipe: recipe.data }
        : { state: 'failed', error: 'the worker returned no output', attempts };
    }
    if (s === 'failed') return { state: 'failed', error: job.failedReason, attempts };
    if (s === 'active') {
      return {
        state: 'running',
        progress: typeof job.progress === 'number' ? job.progress : undefined,
        attempts,
      };
    }
    return { state: 'queued', attempts, ...(job.failedReason ? { error: job.failedReason } : {}) };
  }

  async close() {
    if (this.flows) {
      await this.flows.worker.close();
      await this.flows.events.close();
      await this.flows.queue.close();
      await this.flows.producer.close();
    }
    for (const { queue, events } of this.lanes.values()) {
      await events.close();
      await queue.close();
    }
    await this.connection?.quit().catch(() => {});
  }
}

/** A worker on a lane: `curator worker --lane cpu|gpu` runs one. */
export function startRenditionWorker(
  opts: ProcessorDeps & {
    lane?: Lane;
    redisUrl: string;
    prefix?: string;
    concurrency?: number;
    /** How long a job's lock lasts without renewal: a killed worker's job is retaken after it. */
    lockMs?: number;
  },
): Worker {
  const processor = renditionProcessor(opts);
  const lockDuration = opts.lockMs ?? 30_000;
  return new Worker(
    LANES[opts.lane ?? 'cpu'],
    async (job) => processor(job.data, (p) => job.updateProgress(p)),
    {
      connection: new Redis(opts.redisUrl, { maxRetriesPerRequest: null }),
      prefix: opts.prefix ?? 'curator',
      concurrency: opts.concurrency ?? 2,
      lockDuration,
      // Stalled jobs (their worker died) go back to the queue once their lock has lapsed.
      stalledInterval: Math.max(500, Math.round(lockDuration / 2)),
    },
  );
}

/** Without Redis: the same processor, one job per recipe at a time, a few at once. */
class InProcessQueue implements RenditionQueue {
  readonly mode = 'in-process' as const;
  private readonly processor: ReturnType<typeof renditionProcessor>;
  private readonly running = new Map<string, Promise<RenditionOutput>>();
  private readonly done = new Map<string, RenditionOutput>();
  private readonly failed = new Map<string, string>();
  private readonly progress = new Map<string, number>();
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
      this.failed.delete(id);
      p = this.slot(() => this.processor(parsed, (n) => this.progress.set(id, n)))
        .then((out) => {
          // The latest few hundred outputs, so a repeated request is answered without a render.
          keepLatest(this.done, id, out);
          return out;
        })
        .catch((e: unknown) => {
          keepLatest(this.failed, id, (e as Error).message);
          throw new AppError(
            'rejected',
            `rendition ${id.slice(0, 12)} failed: ${(e as Error).message}`,
          );
        })
        .finally(() => {
          this.running.delete(id);
          this.progress.delete(id);
        });
      this.running.set(id, p);
    }
    return p;
  }

  async runGroup(_group: string, recipes: readonly z.input<typeof Recipe>[]) {
    return Promise.all(
      recipes.map((r) => {
        const hash = recipeHash(Recipe.parse(r));
        return this.run(r).then(
          (output): GroupResult => ({ hash, output }),
          (e: unknown): GroupResult => ({ hash, error: (e as Error).message }),
        );
      }),
    );
  }

  async state(hash: string): Promise<JobState | null> {
    const out = this.done.get(hash);
    if (out) return { state: 'done', output: out };
    const error = this.failed.get(hash);
    if (error !== undefined) return { state: 'failed', error };
    if (!this.running.has(hash)) return null;
    const progress = this.progress.get(hash);
    return progress === undefined ? { state: 'queued' } : { state: 'running', progress };
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

function keepLatest<V>(m: Map<string, V>, k: string, v: V, max = 500) {
  m.set(k, v);
  if (m.size > max) m.delete(m.keys().next().value!);
}
