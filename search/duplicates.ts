// Duplicates, told apart in three states that are never mixed:
// - exact: the same bytes (the store keeps one asset per content hash, so for an uploaded image);
// - near: the same picture re-encoded or resized (perceptual hashes a few bits apart), when the
//   graph does not already say how the two are related;
// - family: renditions and cuts of the same master (the lineage graph), and pictures whose
//   embeddings are close without being the same picture (a burst, a re-crop). Family members are
//   never called duplicates.
import { summarize as card } from '../assets/cards.ts';
import type { Services } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import { sha256 } from '../store/blob-store.ts';
import { parseKey } from '../store/ids.ts';
import { analyzeImage } from '../vision/analyze.ts';
import { assetVector } from './similar.ts';

/** Hashes at most this many bits apart (of 64) are the same picture. */
export const NEAR_BITS = 6;
/** Embeddings this close are one family when nothing else relates them. */
export const FAMILY_SIMILARITY = 0.9;
const FAMILY_LIMIT = 100;

const BITS = Array.from({ length: 256 }, (_, i) => {
  let n = 0;
  for (let x = i; x; x >>= 1) n += x & 1;
  return n;
});

/** Bits that differ between two 16-hex-digit perceptual hashes. */
export function hamming(a: string, b: string): number {
  let d = 0;
  for (let i = 0; i < 16; i += 2)
    d += BITS[Number.parseInt(a.slice(i, i + 2), 16) ^ Number.parseInt(b.slice(i, i + 2), 16)]!;
  return d;
}

/** Every asset related to `id` through the lineage graph: up to its roots, then all the way down. */
async function family(
  deps: Services,
  id: string,
): Promise<Map<string, { relation: string; via: string }>> {
  const out = new Map<string, { relation: string; via: string }>();
  const roots: string[] = [];
  const seenUp = new Set([id]);
  const up = [id];
  while (up.length && seenUp.size < FAMILY_LIMIT) {
    const cur = up.shift()!;
    const { parents } = await deps.graph.neighbours(cur);
    if (!parents.length) roots.push(cur);
    for (const p of parents) {
      if (seenUp.has(p.id)) continue;
      seenUp.add(p.id);
      up.push(p.id);
      out.set(p.id, { relation: `${p.edge} (an ancestor)`, via: cur });
    }
  }
  const down = [...roots];
  const seenDown = new Set(roots);
  while (down.length && out.size < FAMILY_LIMIT) {
    const cur = down.shift()!;
    const { children } = await deps.graph.neighbours(cur);
    for (const c of children) {
      if (seenDown.has(c.id)) continue;
      seenDown.add(c.id);
      down.push(c.id);
      if (c.id !== id && !out.has(c.id))
        out.set(c.id, { relation: `${c.edge} of ${cur === id ? 'it' : cur}`, via: cur });
    }
  }
  out.delete(id);
  return out;
}

export interface DuplicateQuery {
  assetId?: string;
  image?: Buffer;
}

export async function duplicatesOf(deps: Services, q: DuplicateQuery) {
  if ((q.assetId === undefined) === (q.image === undefined))
    throw new AppError('invalid_input', 'give either an asset id or an image, not both');
  let self: string | undefined;
  let phash: string | undefined;
  let vector: Float32Array;
  const exact: string[] = [];
  if (q.assetId !== undefined) {
    self = parseKey('asset', q.assetId.replace(/^asset:\/\//, ''));
    const a = await deps.assets.get(self);
    phash = a.phash;
    vector = await assetVector(deps, a);
  } else {
    const same = await deps.assets.byContentHash(sha256(q.image!));
    if (same) exact.push(same.id);
    const a = await analyzeImage(q.image!, { maxPixels: deps.config.limits.maxPixels });
    phash = a.phash;
    vector = a.embedding;
  }
  const related = self ? await family(deps, self) : new Map();
  const near: { id: string; bits: number }[] = [];
  for (const h of phash ? await deps.assets.phashes() : []) {
    if (!phash || h.id === self || exact.includes(h.id) || related.has(h.id)) continue;
    const bits = hamming(phash, h.phash);
    if (bits <= NEAR_BITS) near.push({ id: h.id, bits });
  }
  near.sort((a, b) => a.bits - b.bits);
  const taken = new Set([...exact, ...near.map((n) => n.id), ...related.keys(), self ?? '']);
  const { hits } = await deps.vectors.search(vector, 20, (id) => !taken.has(id));
  const lookalikes = hits.filter((h) => h.score >= FAMILY_SIMILARITY);

  const ids = [
    ...exact,
    ...near.map((n) => n.id),
    ...related.keys(),
    ...lookalikes.map((h) => h.id),
  ];
  const assets = new Map((await deps.assets.byIds(ids)).map((a) => [a.id, card(a, deps.urls)]));
  const show = (id: string) => assets.get(id);
  return {
    query: self ? { assetId: self } : { image: { bytes: q.image!.length } },
    exact: exact.flatMap((id) => (show(id) ? [{ ...show(id)!, why: 'the same bytes' }] : [])),
    near: near.flatMap((n) =>
      show(n.id)
        ? [
            {
              ...show(n.id)!,
              why: `perceptual hash ${n.bits} of 64 bits apart: the same picture re-encoded or resized`,
            },
          ]
        : [],
    ),
    family: [
      ...[...related].flatMap(([id, r]) => (show(id) ? [{ ...show(id)!, why: r.relation }] : [])),
      ...lookalikes.flatMap((h) =>
        show(h.id)
          ? [
              {
                ...show(h.id)!,
                why: `embedding similarity ${h.score.toFixed(3)} ≥ ${FAMILY_SIMILARITY}, a different picture`,
              },
            ]
          : [],
      ),
    ],
    thresholds: {
      ...(phash
        ? {}
        : { missing: 'this asset has no perceptual hash, so near copies were not checked' }),
      nearBits: NEAR_BITS,
      familySimilarity: FAMILY_SIMILARITY,
      explanation: `near: perceptual hashes at most ${NEAR_BITS} of 64 bits apart and no lineage between them; family: the lineage graph (renditions, localized cuts, variants of one master) or embeddings at cosine ≥ ${FAMILY_SIMILARITY}. Family members are not duplicates.`,
    },
  };
}

/**
 * Near copies across the whole library: groups of assets whose hashes are a few bits apart and
 * that the lineage graph does not already relate (renditions of one master are a family).
 */
export async function nearCopyGroups(deps: Services, limit: number) {
  const all = await deps.assets.phashes();
  const parentOf = new Map<string, string>();
  for (const e of await deps.graph.edges())
    if (!parentOf.has(e.child)) parentOf.set(e.child, e.parent);
  const rootOf = (id: string) => {
    let cur = id;
    for (let i = 0; i < 50 && parentOf.has(cur); i++) cur = parentOf.get(cur)!;
    return cur;
  };
  const roots = all.map((h) => rootOf(h.id));
  // Pigeonhole: hashes within NEAR_BITS (< 8) bits agree on at least one of their 8 bytes.
  const buckets = new Map<string, number[]>();
  all.forEach((h, i) => {
    for (let b = 0; b < 8; b++) {
      const key = `${b}:${h.phash.slice(b * 2, b * 2 + 2)}`;
      const list = buckets.get(key);
      if (list) list.push(i);
      else buckets.set(key, [i]);
    }
  });
  const parent = all.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const pairs: [number, number, number][] = [];
  const seen = new Set<string>();
  for (const list of buckets.values()) {
    // A byte shared by thousands of hashes (a flat colour) says nothing; such pairs share others.
    if (list.length < 2 || list.length > 2_000) continue;
    for (let x = 0; x < list.length; x++) {
      for (let y = x + 1; y < list.length; y++) {
        const i = list[x]!;
        const j = list[y]!;
        const key = `${i}:${j}`;
        if (seen.has(key) || roots[i] === roots[j]) continue;
        seen.add(key);
        const bits = hamming(all[i]!.phash, all[j]!.phash);
        if (bits > NEAR_BITS) continue;
        pairs.push([i, j, bits]);
        parent[find(i)] = find(j);
      }
    }
  }
  const groups = new Map<number, { members: number[]; maxBits: number }>();
  for (const [i, j, bits] of pairs) {
    const r = find(i);
    const g = groups.get(r) ?? { members: [], maxBits: 0 };
    for (const k of [i, j]) if (!g.members.includes(k)) g.members.push(k);
    g.maxBits = Math.max(g.maxBits, bits);
    groups.set(r, g);
  }
  // One member per lineage family: a rendition that matches a copy of its master is family, not
  // another duplicate (the master, when present, stands for its family).
  const perFamily = (members: number[]) => {
    const byRoot = new Map<string, number>();
    for (const k of members) {
      const cur = byRoot.get(roots[k]!);
      if (cur === undefined || all[k]!.id === roots[k]) byRoot.set(roots[k]!, k);
    }
    return [...byRoot.values()].map((k) => all[k]!.id);
  };
  const found = [...groups.values()]
    .map((g) => ({ ids: perFamily(g.members), maxBits: g.maxBits }))
    .filter((g) => g.ids.length > 1)
    .sort((a, b) => b.ids.length - a.ids.length || a.maxBits - b.maxBits);
  return { groups: found.slice(0, limit), total: found.length, assets: all.length };
}
