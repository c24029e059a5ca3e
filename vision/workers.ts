// One worker thread for the model steps, started on first use and never keeping the process
// alive by itself. Jobs queue in the worker; a crashed worker fails its jobs and is replaced.
import { Worker } from 'node:worker_threads';
import type { LogoRef, LogoResult } from './logo.ts';
import type { OcrLine } from './ocr.ts';
import type { PeopleResult } from './people.ts';
import type { VisionJob } from './worker.ts';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, Pending>();

function start(): Worker {
  // Sources are TypeScript run through tsx; the worker loads them the same way.
  // Resolved from here, not from the working directory the command was started in.
  const w = new Worker(new URL('./worker.ts', import.meta.url), {
    execArgv: ['--import', import.meta.resolve('tsx')],
  });
  w.unref();
  w.on('message', (m: { id: number; result?: unknown; error?: string }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error !== undefined) p.reject(new Error(m.error));
    else p.resolve(m.result);
    if (!pending.size) w.unref();
  });
  const fail = (e: Error) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
    if (worker === w) worker = undefined;
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`the vision worker stopped (exit code ${code})`)));
  return w;
}

/** A job without its id (Omit, distributed over the kinds of job). */
type JobInput = VisionJob extends infer J ? (J extends VisionJob ? Omit<J, 'id'> : never) : never;

function run<T>(job: JobInput): Promise<T> {
  worker ??= start();
  const id = nextId++;
  const w = worker;
  // Keep the process alive while a job is in flight, not after.
  w.ref();
  return new Promise<T>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    w.postMessage({ ...job, id } as VisionJob);
  });
}

export const readTextOffThread = (data: Buffer, size: { width: number; height: number }) =>
  run<OcrLine[]>({ kind: 'ocr', data, size });

export const findLogoOffThread = (
  data: Buffer,
  size: { width: number; height: number },
  refs: readonly LogoRef[],
) =>
  run<Omit<LogoResult, 'model' | 'assetVersion' | 'brand'>>({
    kind: 'logo',
    data,
    size,
    refs: refs.map((r) => ({ variant: r.variant, png: r.png })),
  });

export const findPeopleOffThread = (data: Buffer, size: { width: number; height: number }) =>
  run<Omit<PeopleResult, 'model' | 'assetVersion'>>({ kind: 'people', data, size });

/** Stops the worker (tests, shutdown). */
export async function stopVisionWorker(): Promise<void> {
  const w = worker;
  worker = undefined;
  if (w) await w.terminate();
}
