// `npm run bench:enrich`: images per second of each enrichment step through `enrich` (read the
// original from the blob store, run the model, store the result), next to the model alone on the
// same images in the same run (the baseline), and the event loop's delay while enriching (what a
// server's requests would wait). Goals: pipeline overhead <= 15%; event-loop delay p99 < 50 ms.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import sharp from 'sharp';
import { loadConfig } from '../core/config.ts';
import { createDeps } from '../core/deps.ts';
import { runScript } from '../core/util.ts';
import { renderLogos } from '../demo/brand-kit.ts';
import { ingestBuffer } from '../ingest/ingest.ts';
import { type EnrichStep, enrich } from '../search/enrich.ts';
import { analyzeImage } from '../vision/analyze.ts';
import { findLogo } from '../vision/logo.ts';
import { readText } from '../vision/ocr.ts';
import { findPeople } from '../vision/people.ts';

const N = Number(process.env.BENCH_IMAGES ?? 40);
const W = 1200;
const H = 628;
const GROUNDS = ['#f4a261', '#2a9d8f', '#e9c46a', '#264653', '#f4efe6'];
const WORDS = ['Summer', 'Sale', 'Trail', 'Gifts', 'Launch', 'Fresh', 'Tracks', 'Outdoors'];

async function banner(i: number, logo: Buffer): Promise<Buffer> {
  const ground = GROUNDS[i % GROUNDS.length]!;
  const headline = `${WORDS[i % WORDS.length]} ${WORDS[(i * 3 + 1) % WORDS.length]} ${10 + i}% off`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
    <rect width="100%" height="100%" fill="${ground}"/>
    <text x="60" y="300" font-family="sans-serif" font-size="${64 + (i % 4) * 12}" font-weight="bold" fill="#111">${headline}</text>
    <text x="60" y="590" font-family="sans-serif" font-size="18" fill="#111">Offer valid until 31 August. Terms apply.</text></svg>`;
  const width = 120 + (i % 5) * 40;
  const mark = await sharp(logo).resize(width).png().toBuffer();
  return sharp(Buffer.from(svg))
    .composite([{ input: mark, left: i % 2 ? 40 : W - width - 40, top: 40 }])
    .jpeg({ quality: 88 })
    .toBuffer();
}

const rate = (n: number, ms: number) => (n / (ms / 1000)).toFixed(2);

async function main() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'curator-bench-enrich-'));
  const deps = await createDeps(
    loadConfig({
      DATA_DIR: dir,
      SURREAL_URL: 'mem://',
      LOG_LEVEL: 'warn',
      DEMO_SEED: 'off',
      // A real CLIP model, when one is there, is measured too.
      MODELS_DIR: process.env.MODELS_DIR ?? path.resolve('models'),
    }),
  );
  try {
    const logos = await renderLogos();
    const standard = await deps.blobs.put(logos.standard.png);
    const reversed = await deps.blobs.put(logos.reversed.png);
    await deps.catalog.upsertBrand({
      id: 'bench',
      name: 'Bench',
      palette: [],
      logoBlobKey: standard.key,
      rules: { logoVariants: { standard: standard.key, reversed: reversed.key } },
    });
    const images: Buffer[] = [];
    for (let i = 0; i < N; i++) images.push(await banner(i, logos.standard.png));
    for (const [i, data] of images.entries()) await ingestBuffer(deps, data, { name: `b${i}.jpg` });
    const size = { width: W, height: H };
    const refs = [
      { variant: 'standard', png: logos.standard.png },
      { variant: 'reversed', png: logos.reversed.png },
    ];
    // Warm the models once, outside the timings.
    await readText(images[0]!, size);
    await findLogo(images[0]!, size, refs);
    await findPeople(images[0]!, size);

    const space = await deps.clip.get();
    if (space) await space.clip.embedImage(images[0]!);
    // Each measured step's model alone (the caption is a call elsewhere: not measured here).
    const model: Partial<Record<EnrichStep, (b: Buffer) => Promise<unknown>>> = {
      embedding: (b) => analyzeImage(b, { maxPixels: 1e8 }),
      ocr: (b) => readText(b, size),
      logo: (b) => findLogo(b, size, refs),
      people: (b) => findPeople(b, size),
      clip: async (b) => space?.clip.embedImage(b),
    };
    const lines: string[] = [];
    const steps: EnrichStep[] = ['embedding', 'ocr', 'logo', 'people'];
    if (space) steps.push('clip');
    else
      lines.push(
        `clip       not measured: no CLIP model in ${deps.config.vision.modelsDir} (set MODELS_DIR; \`curator models pull\`)`,
      );
    for (const step of steps) {
      let t = performance.now();
      for (const b of images) await model[step]!(b);
      const bare = performance.now() - t;
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      t = performance.now();
      const report = await enrich(deps, { steps: [step], force: true, concurrency: 1 });
      const piped = performance.now() - t;
      delay.disable();
      lines.push(
        `${step.padEnd(10)} model alone ${rate(N, bare)} img/s (${(bare / N).toFixed(0)} ms each); through enrich ${rate(report.computed, piped)} img/s: overhead ${(100 * (piped / bare - 1)).toFixed(1)}% (goal <= 15%); event-loop delay p50 ${(delay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, max ${(delay.max / 1e6).toFixed(1)} ms (goal p99 < 50 ms)`,
      );
    }
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const t = performance.now();
    await enrich(deps, { force: true, concurrency: 2 });
    const all = performance.now() - t;
    delay.disable();
    lines.push(
      `pipeline  every step, 2 at once: ${rate(N, all)} img/s; event-loop delay p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, max ${(delay.max / 1e6).toFixed(1)} ms`,
    );
    process.stdout.write(
      `bench:enrich: ${N} generated ${W}×${H} banners on ${os.cpus().length} CPUs (OCR, logo and people run in a worker thread; the embedding on the main thread)\n${lines.join('\n')}\n`,
    );
  } finally {
    await deps.close().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
}

runScript('bench:enrich', main);
