// The model steps (OCR, the logo) in a worker thread: their JavaScript and wasm work would
// otherwise hold the server's event loop for hundreds of milliseconds an image.
import { parentPort } from 'node:worker_threads';
import { findLogo, type LogoRef } from './logo.ts';
import { readText } from './ocr.ts';
import { findPeople } from './people.ts';

export type VisionJob =
  | { id: number; kind: 'ocr'; data: Uint8Array; size: { width: number; height: number } }
  | { id: number; kind: 'people'; data: Uint8Array; size: { width: number; height: number } }
  | {
      id: number;
      kind: 'logo';
      data: Uint8Array;
      size: { width: number; height: number };
      refs: { variant: string; png: Uint8Array }[];
    };

parentPort?.on('message', async (job: VisionJob) => {
  try {
    const data = Buffer.from(job.data.buffer, job.data.byteOffset, job.data.byteLength);
    const result =
      job.kind === 'ocr'
        ? await readText(data, job.size)
        : job.kind === 'people'
          ? await findPeople(data, job.size)
          : await findLogo(
              data,
              job.size,
              job.refs.map((r): LogoRef => ({ variant: r.variant, png: Buffer.from(r.png) })),
            );
    parentPort!.postMessage({ id: job.id, result });
  } catch (e) {
    parentPort!.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) });
  }
});
