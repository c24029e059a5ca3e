// "More like this": the nearest assets to an asset or an uploaded image in the builtin embedding
// space, with each score's parts (colour, layout, edges) and a cut-off that adapts to the query:
// a result must stand clearly above what is typical for this query in this library.
import { summarize as card } from '../assets/cards.ts';
import { isEmptySelection, resolveSelection, type Selection } from '../assets/selection.ts';
import type { Services } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import { parseKey } from '../store/ids.ts';
import type { Members } from '../store/listing-index.ts';
import type { Asset } from '../store/models.ts';
import { analyzeImage } from '../vision/analyze.ts';
import { BUILTIN_MODEL, BUILTIN_PROVIDER, explainSimilarity } from '../vision/descriptor.ts';

/** How many neighbours are examined to judge what is typical for the query. */
const EXAMINED = 50;
/** Below this cosine nothing is called similar, whatever the distribution. */
export const SIMILARITY_FLOOR = 0.5;
/** A result must reach this share of the way from the typical (median) score to the best one. */
const BAND = 0.25;

export interface SimilarQuery {
  assetId?: string;
  image?: Buffer;
  selection?: Selection;
  limit: number;
}

/** The stored vector of an asset, computed from its original (and stored) when missing or stale. */
export async function assetVector(deps: Services, asset: Asset): Promise<Float32Array> {
  const row = await deps.embeddings.get(asset.id, BUILTIN_PROVIDER);
  if (row && row.model === BUILTIN_MODEL && row.assetVersion === asset.version) return row.vector;
  return storeEmbedding(deps, asset, await deps.blobs.get(asset.blobKey));
}

/** Computes the builtin embedding of an asset's original and stores it (row and sidecar). */
export async function storeEmbedding(
  deps: Services,
  asset: { id: string; version: number; mime: string },
  original: Buffer,
): Promise<Float32Array> {
  const a = await analyzeImage(original, {
    maxPixels: deps.config.limits.maxPixels,
    allowSvg: asset.mime === 'image/svg+xml',
  });
  const fresh = {
    assetId: asset.id,
    provider: BUILTIN_PROVIDER,
    model: BUILTIN_MODEL,
    assetVersion: asset.version,
    vector: a.embedding,
  };
  await deps.embeddings.put(fresh);
  deps.vectors.upsert(fresh);
  return a.embedding;
}

/**
 * A cut-off that adapts to one query's scores (best first): a share `band` of the way from their
 * median, what is typical for this query here, to the best one, and never below `floor`.
 */
export function adaptiveCutoff(scores: readonly number[], band: number, floor = -1) {
  const best = scores[0] ?? 0;
  const median = scores.length ? scores[Math.floor(scores.length / 2)]! : 0;
  return { best, median, cutoff: Math.max(floor, median + band * (best - median)) };
}

/** The ids a selection of list filters covers, and how it was read; none for no filter. */
export async function selectionIds(
  deps: Services,
  selection: Selection | undefined,
): Promise<{ allowed?: Members; read: string[] }> {
  if (!selection || isEmptySelection(selection)) return { read: [] };
  const r = await resolveSelection(selection, deps.names);
  return {
    allowed: await deps.assets.members(r.filter),
    read: r.read,
  };
}

export async function similarAssets(deps: Services, q: SimilarQuery) {
  if ((q.assetId === undefined) === (q.image === undefined))
    throw new AppError('invalid_input', 'give either an asset id or an image, not both');
  let vector: Float32Array;
  let queryLabel: { assetId?: string; title?: string; image?: { bytes: number; mime: string } };
  if (q.assetId !== undefined) {
    const id = parseKey('asset', q.assetId.replace(/^asset:\/\//, ''));
    const a = await deps.assets.get(id);
    vector = await assetVector(deps, a);
    queryLabel = { assetId: id, title: a.title || a.originalName };
  } else {
    if (q.image!.length > deps.config.limits.maxFileBytes)
      throw new AppError(
        'too_large',
        `the image is ${q.image!.length} bytes; the limit is ${deps.config.limits.maxFileBytes}`,
      );
    const a = await analyzeImage(q.image!, { maxPixels: deps.config.limits.maxPixels });
    vector = a.embedding;
    queryLabel = { image: { bytes: q.image!.length, mime: a.mime } };
  }

  const { allowed, read } = await selectionIds(deps, q.selection);
  const self = queryLabel.assetId;
  const { hits } = await deps.vectors.search(
    vector,
    Math.max(EXAMINED, q.limit),
    (id) => id !== self && (!allowed || allowed.has(id)),
    allowed,
  );
  const scores = hits.map((h) => h.score);
  const { best, median, cutoff } = adaptiveCutoff(scores, BAND, SIMILARITY_FLOOR);
  const kept = hits.filter((h) => h.score >= cutoff);
  const shown = kept.slice(0, q.limit);

  const [assets, rows] = await Promise.all([
    deps.assets.byIds(shown.map((h) => h.id)),
    deps.embeddings.forAssets(
      shown.map((h) => h.id),
      BUILTIN_PROVIDER,
    ),
  ]);
  const byId = new Map(assets.map((a) => [a.id, a]));
  const vectors = new Map(rows.map((r) => [r.assetId, r.vector]));
  const items = shown.flatMap((h) => {
    const a = byId.get(h.id);
    if (!a) return [];
    const v = vectors.get(h.id);
    const why = v ? explainSimilarity(vector, v) : { score: round(h.score), parts: {} };
    return [{ ...card(a, deps.urls), score: why.score, parts: why.parts }];
  });
  return {
    query: queryLabel,
    provider: BUILTIN_PROVIDER,
    model: BUILTIN_MODEL,
    read,
    items,
    cutoff: {
      score: round(cutoff),
      explanation: `kept scores ≥ ${round(cutoff)}: a quarter of the way from the median of the ${scores.length} nearest (${round(median)}) to the best (${round(best)}), and never below ${SIMILARITY_FLOOR}`,
    },
    /** Nearest assets examined that fell below the cut-off. */
    belowCutoff: hits.length - kept.length,
    /** Kept but beyond the page. */
    more: kept.length - shown.length,
    examined: hits.length,
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
