// `npm run evals:vision`: builds the demo library in a temporary store, runs the enrichment steps
// (OCR today), and scores what they extracted against demo-ground-truth.json, which only this
// script reads (the analysis code never sees it). BENCH-style figures, printed:
// - headlines read (whitespace- and case-insensitive) over the en-US, de-DE and fr-FR assets where
//   drawn at >= 20 px, with the smaller ones reported apart (ja-JP cuts without a CJK font render
//   as boxes, so they are left out);
// - disclaimers read wherever drawn at >= 10 px;
// - the measured font size and contrast against the drawn ones;
// - the logo: found with IoU >= 0.9 against the drawn box; faces: said not measured until that
//   step exists.
// DEMO_MASTERS=N (default 14 per campaign) for a quicker, smaller run.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../core/config.ts';
import { createDeps } from '../core/deps.ts';
import { runScript } from '../core/util.ts';
import { buildDemoLibrary } from '../demo/build.ts';
import type { GroundTruth } from '../demo/ground-truth.ts';
import { enrich } from '../search/enrich.ts';

/** Case-, whitespace-, punctuation- and accent-insensitive ("für" and "fur" compare equal). */
const squash = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[\s\p{P}]+/gu, '');
const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : '–');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : Number.NaN;
};

async function main() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'curator-evals-vision-'));
  const deps = await createDeps(
    loadConfig({ DATA_DIR: dir, SURREAL_URL: 'mem://', LOG_LEVEL: 'warn', DEMO_SEED: 'off' }),
  );
  try {
    const t0 = performance.now();
    const demo = await buildDemoLibrary(deps, {
      mastersPerCampaign: process.env.DEMO_MASTERS ? Number(process.env.DEMO_MASTERS) : undefined,
    });
    const t1 = performance.now();
    const report = await enrich(deps, { steps: ['ocr', 'logo', 'people'], concurrency: 2 });
    const t2 = performance.now();
    const truth = JSON.parse(await readFile(demo.groundTruthPath, 'utf8')) as GroundTruth;

    const rows = { big: [0, 0], small: [0, 0], disclaimer: [0, 0], missingDisclaimer: [0, 0] };
    const logo = { drawn: 0, iou90: 0, missingRight: 0, missing: 0, falseFound: 0 };
    for (const [id, t] of Object.entries(truth.assets)) {
      const a = await deps.assets.get(id);
      const drawn = t.layout.logo;
      if (!drawn) {
        logo.missing++;
        if (a.logo?.found) logo.falseFound++;
        else logo.missingRight++;
        continue;
      }
      logo.drawn++;
      const b = a.logo?.box;
      if (!a.logo?.found || !b) continue;
      const d = drawn.box;
      const ix = Math.max(0, Math.min(b.x + b.width, d.x + d.w) - Math.max(b.x, d.x));
      const iy = Math.max(0, Math.min(b.y + b.height, d.y + d.h) - Math.max(b.y, d.y));
      const inter = ix * iy;
      if (inter / (b.width * b.height + d.w * d.h - inter) >= 0.9) logo.iou90++;
    }
    let peopleFound = 0;
    for (const id of Object.keys(truth.assets)) {
      const a = await deps.assets.get(id);
      if ((a.people?.people ?? 0) > 0 || (a.people?.faces.length ?? 0) > 0) peopleFound++;
    }
    const fontErr: number[] = [];
    const contrastErr: number[] = [];
    const misses: string[] = [];
    const disclaimerMisses: string[] = [];
    for (const [id, t] of Object.entries(truth.assets)) {
      if (!['en-US', 'de-DE', 'fr-FR'].includes(t.locale) || !t.layout.textLegible) continue;
      const a = await deps.assets.get(id);
      const lines = a.ocr?.lines ?? [];
      const all = squash(lines.map((l) => l.text).join(''));
      const h = t.layout.headline;
      const bucket = h.fontPx >= 20 ? rows.big : rows.small;
      bucket[1]!++;
      const headline = lines.find(
        (l) => squash(h.text).includes(squash(l.text)) && squash(l.text).length >= 3,
      );
      if (all.includes(squash(h.text))) {
        bucket[0]!++;
        if (headline) {
          fontErr.push(Math.abs(headline.fontPx - h.fontPx) / h.fontPx);
          contrastErr.push(Math.abs(headline.contrast - h.contrast) / h.contrast);
        }
      } else if (h.fontPx >= 20 && misses.length < 8)
        misses.push(
          `${t.slug}: "${h.text}" (${h.fontPx} px) read as "${lines.map((l) => l.text).join(' / ')}"`,
        );
      const d = t.layout.disclaimer;
      if (d && d.fontPx >= 10) {
        rows.disclaimer[1]!++;
        if (all.includes(squash(d.text))) rows.disclaimer[0]!++;
        else if (disclaimerMisses.length < 12)
          disclaimerMisses.push(
            `${t.slug}: "${d.text}" (${d.fontPx} px, contrast ${d.contrast}) read as "${lines.map((l) => l.text).join(' / ')}"`,
          );
      } else if (d) {
        rows.missingDisclaimer[1]!++;
        if (all.includes(squash(d.text))) rows.missingDisclaimer[0]!++;
      }
    }
    const lines = [
      `evals:vision on the demo library: ${Object.keys(truth.assets).length} assets built in ${((t1 - t0) / 1000).toFixed(0)} s; OCR, logo and people over ${report.total} in ${((t2 - t1) / 1000).toFixed(0)} s (${((t2 - t1) / report.total).toFixed(0)} ms per image), ${report.failed.length} failed`,
      `headlines drawn at >= 20 px read: ${rows.big[0]}/${rows.big[1]} (${pct(rows.big[0]!, rows.big[1]!)}; goal >= 90%)`,
      `headlines drawn under 20 px read: ${rows.small[0]}/${rows.small[1]} (${pct(rows.small[0]!, rows.small[1]!)})`,
      `disclaimers drawn at >= 10 px read: ${rows.disclaimer[0]}/${rows.disclaimer[1]} (${pct(rows.disclaimer[0]!, rows.disclaimer[1]!)}; goal: all)`,
      `disclaimers drawn under 10 px read: ${rows.missingDisclaimer[0]}/${rows.missingDisclaimer[1]}`,
      `measured headline font size off by a median ${(100 * median(fontErr)).toFixed(0)}%, contrast by ${(100 * median(contrastErr)).toFixed(0)}% (over ${fontErr.length} read headlines)`,
      `logo found with IoU >= 0.9: ${logo.iou90}/${logo.drawn} (${pct(logo.iou90, logo.drawn)}; goal >= 95%); logo absent and reported missing: ${logo.missingRight}/${logo.missing}, found where there is none: ${logo.falseFound}`,
      `people or faces reported on the vector-art demo: ${peopleFound} of ${Object.keys(truth.assets).length} assets (goal: none)`,
      ...(misses.length ? ['first misses:', ...misses.map((m) => `  ${m}`)] : []),
      ...(disclaimerMisses.length
        ? ['disclaimers (>= 10 px) not read:', ...disclaimerMisses.map((m) => `  ${m}`)]
        : []),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await deps.close().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
}

runScript('evals:vision', main);
