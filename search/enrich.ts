// Enrichment steps over assets already in the library: each step stores its result beside the
// asset with the model that produced it and the asset version it describes, and skips assets whose
// result is current, so a run that stopped (a crash, Ctrl-C) resumes where it was by running again.
// A bad file is reported and the run goes on. The model steps run in a worker thread, so a server
// enriching in the background keeps answering.
import { createHash } from 'node:crypto';
import type { Services } from '../core/deps.ts';
import { isAppError } from '../core/errors.ts';
import { pool } from '../core/util.ts';
import { parseKey } from '../store/ids.ts';
import { captionImage, captionModel } from '../vision/caption.ts';
import { CLIP_PROVIDER, readTaxonomy, zeroShotTags } from '../vision/clip.ts';
import { BUILTIN_MODEL, BUILTIN_PROVIDER } from '../vision/descriptor.ts';
import { LOGO_MODEL, type LogoRef } from '../vision/logo.ts';
import { OCR_MODEL } from '../vision/ocr.ts';
import { PEOPLE_MODEL } from '../vision/people.ts';
import { findLogoOffThread, findPeopleOffThread, readTextOffThread } from '../vision/workers.ts';
import { storeEmbedding } from './similar.ts';

export const ENRICH_STEPS = ['embedding', 'ocr', 'logo', 'people', 'clip', 'caption'] as const;
export type EnrichStep = (typeof ENRICH_STEPS)[number];

export interface EnrichOptions {
  steps?: readonly EnrichStep[];
  /** These assets; every asset when absent. */
  ids?: readonly string[];
  /** Recompute even where the stored result is current. */
  force?: boolean;
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface EnrichReport {
  steps: EnrichStep[];
  total: number;
  computed: number;
  /** Already current (a resumed run skips what the last one did). */
  current: number;
  failed: { id: string; reason: string }[];
  /** Steps that could not run at all, and why. */
  notes: string[];
}

export async function enrich(deps: Services, opts: EnrichOptions = {}): Promise<EnrichReport> {
  // The caption sends the picture to a model elsewhere: only when asked, unless VISION_CAPTION=auto.
  const steps = [
    ...(opts.steps ??
      ENRICH_STEPS.filter((s) => s !== 'caption' || deps.config.vision.caption === 'auto')),
  ];
  const ids = opts.ids ? opts.ids.map((id) => parseKey('asset', id)) : await deps.assets.allIds();
  const report: EnrichReport = {
    steps,
    total: ids.length,
    computed: 0,
    current: 0,
    failed: [],
    notes: [],
  };
  const brand = steps.includes('logo') ? await brandLogos(deps) : undefined;
  if (steps.includes('people') && !deps.config.vision.faces)
    report.notes.push('people: face detection is off (VISION_FACES=off); skipped');
  if (steps.includes('logo') && !brand)
    report.notes.push('logo: no brand with a logo in the brand kit; skipped');
  const space = steps.includes('clip') ? await deps.clip.get() : null;
  if (steps.includes('clip') && !space) {
    const { modelsDir, clipModel } = deps.config.vision;
    report.notes.push(
      clipModel
        ? `clip: no CLIP model in ${modelsDir}/${clipModel} (\`curator models status\` says what is missing); skipped`
        : 'clip: CLIP is off (CLIP_MODEL=off); skipped',
    );
  }
  const taxonomy = space ? await readTaxonomy(deps.config.vision.taxonomyFile) : undefined;
  // The tags depend on the taxonomy too: a changed taxonomy makes every asset's tags stale.
  const clipTagModel =
    space &&
    `${space.clip.model}+${createHash('sha256').update(JSON.stringify(taxonomy)).digest('hex').slice(0, 8)}`;
  const captioner = steps.includes('caption') ? captionModel(deps.config) : null;
  if (steps.includes('caption') && !captioner) {
    report.notes.push(
      deps.config.vision.caption === 'off'
        ? 'caption: off (VISION_CAPTION=off); skipped'
        : 'caption: no vision model configured (OPENAI_API_KEY, or OPENAI_BASE_URL with OPENAI_VISION_MODEL); skipped',
    );
  }
  let done = 0;
  opts.onProgress?.(0, ids.length);
  await pool(ids, opts.concurrency ?? 2, async (id) => {
    opts.signal?.throwIfAborted();
    try {
      const asset = await deps.assets.get(id);
      let did = false;
      let original: Buffer | undefined;
      const bytes = async () => (original ??= await deps.blobs.get(asset.blobKey));
      const ocrCurrent = asset.ocr?.model === OCR_MODEL && asset.ocr.assetVersion === asset.version;
      if (steps.includes('ocr') && (opts.force || !ocrCurrent)) {
        const lines = await readTextOffThread(await bytes(), asset);
        await deps.assets.setOcr(id, {
          model: OCR_MODEL,
          assetVersion: asset.version,
          lines,
          text: lines.map((l) => l.text).join('\n'),
        });
        did = true;
      }
      const logoCurrent =
        asset.logo?.model === LOGO_MODEL &&
        asset.logo.assetVersion === asset.version &&
        asset.logo.brand === brand?.id;
      if (brand && (opts.force || !logoCurrent)) {
        const found = await findLogoOffThread(await bytes(), asset, brand.refs);
        await deps.assets.setLogo(id, {
          model: LOGO_MODEL,
          assetVersion: asset.version,
          brand: brand.id,
          ...found,
        });
        did = true;
      }
      const peopleCurrent =
        asset.people?.model === PEOPLE_MODEL && asset.people.assetVersion === asset.version;
      if (steps.includes('people') && deps.config.vision.faces && (opts.force || !peopleCurrent)) {
        const found = await findPeopleOffThread(await bytes(), asset);
        await deps.assets.setPeople(id, {
          model: PEOPLE_MODEL,
          assetVersion: asset.version,
          ...found,
        });
        did = true;
      }
      const clipCurrent =
        asset.clip?.model === clipTagModel && asset.clip?.assetVersion === asset.version;
      if (space && taxonomy && clipTagModel && (opts.force || !clipCurrent)) {
        const vector = await space.clip.embedImage(await bytes(), {
          maxPixels: deps.config.limits.maxPixels,
        });
        const row = {
          assetId: id,
          provider: CLIP_PROVIDER,
          model: space.clip.model,
          assetVersion: asset.version,
          vector,
        };
        await deps.embeddings.put(row);
        space.index.upsert(row);
        const tags = await zeroShotTags(deps.clip.provider, space.clip, vector, taxonomy);
        await deps.assets.setClip(id, { model: clipTagModel, assetVersion: asset.version, tags });
        did = true;
      }
      const captionCurrent =
        asset.caption?.model === captioner?.id && asset.caption?.assetVersion === asset.version;
      if (captioner && (opts.force || !captionCurrent)) {
        const c = await captionImage(captioner, await bytes(), {
          maxPixels: deps.config.limits.maxPixels,
          signal: opts.signal,
        });
        await deps.assets.setCaption(id, {
          model: captioner.id,
          assetVersion: asset.version,
          ...c,
        });
        did = true;
      }
      const row =
        opts.force || !steps.includes('embedding')
          ? null
          : await deps.embeddings.get(id, BUILTIN_PROVIDER);
      if (
        !steps.includes('embedding') ||
        (row && row.model === BUILTIN_MODEL && row.assetVersion === asset.version)
      ) {
        if (!did) report.current++;
        else report.computed++;
      } else {
        await storeEmbedding(deps, asset, await bytes());
        report.computed++;
      }
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      const reason = isAppError(e) ? e.message : e instanceof Error ? e.message : String(e);
      report.failed.push({ id, reason });
      if (!isAppError(e)) deps.log.warn({ err: e, asset: id }, 'enrich failed for an asset');
    }
    opts.onProgress?.(++done, ids.length);
  });
  await deps.vectors.save();
  await space?.index.save();
  return report;
}

/** The first brand with a logo: its lockups (standard, and any variants the kit names). */
async function brandLogos(deps: Services): Promise<{ id: string; refs: LogoRef[] } | undefined> {
  for (const b of await deps.catalog.brands()) {
    if (!b.logoBlobKey) continue;
    const variants = (b.rules.logoVariants ?? {}) as Record<string, string>;
    const keys = Object.keys(variants).length ? variants : { standard: b.logoBlobKey };
    const refs: LogoRef[] = [];
    for (const [variant, key] of Object.entries(keys))
      refs.push({ variant, png: await deps.blobs.get(key) });
    return { id: b.id, refs };
  }
  return undefined;
}
