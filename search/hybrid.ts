// search-assets: full text (BM25 over title, keywords, tags, description and OCR text), CLIP's
// text-to-image kNN when a model is present, and, when the query names a picture to look like, the
// builtin vector kNN, fused by reciprocal rank; every list filter applies, plus
// "text contains". Each result shows its score and its parts. The cut-off adapts to the query: a
// result must score at least a share of the best one, and the answer says how many fell below.
import { summarize as card } from '../assets/cards.ts';
import type { Selection } from '../assets/selection.ts';
import type { Services } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import { parseKey } from '../store/ids.ts';
import { adaptiveCutoff, assetVector, selectionIds } from './similar.ts';
import { terms } from './text-index.ts';

/** Reciprocal rank fusion's constant: ranks beyond ~60 weigh little. */
const RRF_K = 60;
/** A result must reach this share of the best fused score. */
const KEEP_SHARE = 0.35;
const POOL = 200;
/** A CLIP hit must reach this share of the way from the median cosine to the best one. */
const CLIP_BAND = 0.5;

export interface HybridQuery {
  query?: string;
  /** Rank by looking like this asset too. */
  likeAssetId?: string;
  textContains?: string;
  /** true: only assets with people in them; false: only without. */
  hasPeople?: boolean;
  /** A face with this expression (happy, neutral, surprise…). */
  expression?: string;
  selection?: Selection;
  limit: number;
}

export async function searchAssets(deps: Services, q: HybridQuery) {
  const query = q.query?.trim() ?? '';
  if (!query && !q.likeAssetId && !q.textContains && q.hasPeople === undefined && !q.expression)
    throw new AppError('invalid_input', 'give a query, an asset to look like, or text to contain');
  const { allowed, read } = await selectionIds(deps, q.selection);
  await deps.text.ready();
  const contains = q.textContains?.trim();
  const like = q.likeAssetId
    ? parseKey('asset', q.likeAssetId.replace(/^asset:\/\//, ''))
    : undefined;
  const expression = q.expression?.toLowerCase();
  const peopleOk = (id: string) => {
    if (q.hasPeople === undefined && !expression) return true;
    const p = deps.text.peopleOf(id);
    if (p.people === undefined) return false;
    if (q.hasPeople !== undefined && p.people > 0 !== q.hasPeople) return false;
    return !expression || p.expressions.includes(expression);
  };
  const accept = (id: string) =>
    id !== like &&
    (!allowed || allowed.has(id)) &&
    (!contains || deps.text.contains(id, contains)) &&
    peopleOk(id);

  const text = query ? await deps.text.search(query, accept, POOL) : [];
  const vector = like
    ? (
        await deps.vectors.search(
          await assetVector(deps, await deps.assets.get(like)),
          POOL,
          accept,
        )
      ).hits
    : [];
  // CLIP, when a model is present: the query's words against every picture, in one space. Every
  // picture gets some cosine, so only those clearly above what is typical for this query count.
  const space = query ? await deps.clip.get() : null;
  let clip: { id: string; score: number }[] = [];
  if (space) {
    const v = await deps.clip.provider.text(space.clip, query);
    const { hits } = await space.index.search(v, POOL, accept, allowed);
    const { cutoff } = adaptiveCutoff(
      hits.map((h) => h.score),
      CLIP_BAND,
    );
    clip = hits.filter((h) => h.score >= cutoff);
  }
  // Only "text contains" (or only filters): every match, newest first, is the list.
  const plainMatches =
    !query && !like && (contains || q.hasPeople !== undefined || expression)
      ? (await deps.assets.matching({}))
          .map((m) => m.id)
          .filter(accept)
          .slice(0, POOL)
      : [];

  const fused = new Map<
    string,
    { score: number; text?: number; vector?: number; clip?: number; matched: string[] }
  >();
  const best = { text: text[0]?.score ?? 0 };
  text.forEach((h, rank) => {
    const e = fused.get(h.id) ?? { score: 0, matched: [] };
    e.score += 1 / (RRF_K + rank + 1);
    e.text = best.text ? h.score / best.text : 0;
    e.matched = h.matched;
    fused.set(h.id, e);
  });
  vector.forEach((h, rank) => {
    const e = fused.get(h.id) ?? { score: 0, matched: [] };
    e.score += 1 / (RRF_K + rank + 1);
    e.vector = h.score;
    fused.set(h.id, e);
  });
  clip.forEach((h, rank) => {
    const e = fused.get(h.id) ?? { score: 0, matched: [] };
    e.score += 1 / (RRF_K + rank + 1);
    e.clip = h.score;
    fused.set(h.id, e);
  });
  plainMatches.forEach((id, rank) => {
    fused.set(id, { score: 1 / (RRF_K + rank + 1), matched: [] });
  });
  const ranked = [...fused].sort((a, b) => b[1].score - a[1].score);
  const top = ranked[0]?.[1].score ?? 0;
  const cutoff = top * KEEP_SHARE;
  const kept = ranked.filter(([, e]) => e.score >= cutoff);
  const shown = kept.slice(0, q.limit);

  const assets = new Map((await deps.assets.byIds(shown.map(([id]) => id))).map((a) => [a.id, a]));
  const items = shown.flatMap(([id, e]) => {
    const a = assets.get(id);
    if (!a) return [];
    const parts: Record<string, number> = {};
    if (e.text !== undefined) parts.text = round(e.text);
    if (e.vector !== undefined) parts.vector = round(e.vector);
    if (e.clip !== undefined) parts.clip = round(e.clip);
    if (allowed || contains || q.hasPeople !== undefined || expression) parts.filters = 1;
    return [{ ...card(a, deps.urls), score: round(e.score / top), parts, matched: e.matched }];
  });
  const sources = [
    query ? 'full text (BM25)' : '',
    space ? `pictures matching the words (CLIP ${space.clip.model}, kNN)` : '',
    like ? 'looks like the given asset (kNN)' : '',
  ]
    .filter(Boolean)
    .join(' + ');
  return {
    query: {
      text: query || undefined,
      terms: query ? terms(query) : [],
      likeAssetId: like,
      textContains: contains,
    },
    read: [
      ...read,
      ...(contains ? [`text contains "${contains}"`] : []),
      ...(q.hasPeople === true ? ['with people'] : q.hasPeople === false ? ['without people'] : []),
      ...(expression ? [`a ${expression} face`] : []),
    ],
    items,
    total: kept.length,
    belowCutoff: ranked.length - kept.length,
    cutoff: {
      share: KEEP_SHARE,
      explanation: `${sources || 'matches'}${sources.includes('+') ? ', fused by reciprocal rank' : ''}; kept results scoring at least ${Math.round(KEEP_SHARE * 100)}% of the best`,
    },
    notSearched:
      [
        q.hasPeople !== undefined || expression
          ? 'assets the people step has not looked at yet are left out of people filters'
          : '',
        query && !space
          ? 'no CLIP model is present, so the words were matched against titles, tags and text in the images, not against what the pictures show (`curator models status`)'
          : '',
      ]
        .filter(Boolean)
        .join('; ') || 'nothing left out',
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
