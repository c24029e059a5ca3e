// The kNN sidecar: one usearch HNSW index per embedding provider, beside the store that holds
// every vector (store/embeddings.repository.ts). Built from the rows when missing, saved atomically
// (DATA_DIR/vectors/<provider>.usearch plus its id map and watermark), and caught up from the rows
// written after its watermark, so nothing written after a crash or by another process is missed.
// Filters are applied by over-fetching: the search widens until the page is full or every vector
// was seen, never returning a silently short page.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Index, MetricKind, ScalarKind } from 'usearch';
import type { Logger } from '../core/log.ts';
import type { EmbeddingRow, EmbeddingsRepository } from '../store/embeddings.repository.ts';

/**
 * An index this small is scanned exactly (a few milliseconds, and exact); so is a candidate set under
 * 5% of a larger one. HNSW serves the rest.
 */
const EXACT_BELOW = 20_000;

export interface VectorHit {
  id: string;
  /** Cosine similarity, -1..1 (1: the same direction). */
  score: number;
}

export interface VectorIndexOptions {
  provider: string;
  model: string;
  dims: number;
  /** Where the snapshot lives; none (mem:// stores) keeps the index in memory only. */
  dir?: string;
  log?: Logger;
  /** How often a search checks the store for rows written elsewhere (0: every search). */
  pollMs?: number;
}

interface Meta {
  provider: string;
  model: string;
  dims: number;
  watermark: string;
  /** ids[key] is the asset of usearch key `key`; null where a key was removed. */
  ids: (string | null)[];
}

export class VectorIndex {
  private index: Index;
  private ids: (string | null)[] = [];
  /** Row `key` holds the vector of usearch key `key`: for exact scans of a selective filter. */
  private matrix = new Float32Array(0);
  private keys = new Map<string, number>();
  private watermark = new Date(0);
  private loaded?: Promise<void>;
  private lastPoll = 0;
  private dirty = false;
  private saveTimer?: NodeJS.Timeout;

  constructor(
    private readonly rows: EmbeddingsRepository,
    private readonly opts: VectorIndexOptions,
  ) {
    this.index = this.fresh();
  }

  get provider(): string {
    return this.opts.provider;
  }
  get model(): string {
    return this.opts.model;
  }
  /** How many vectors the index holds. */
  get size(): number {
    return this.keys.size;
  }

  private fresh(): Index {
    return new Index({
      metric: MetricKind.Cos,
      dimensions: this.opts.dims,
      quantization: ScalarKind.F32,
      multi: false,
      connectivity: 16,
      expansion_add: 128,
      expansion_search: 128,
    });
  }

  private files() {
    const dir = this.opts.dir!;
    return {
      index: path.join(dir, `${this.opts.provider}.usearch`),
      meta: path.join(dir, `${this.opts.provider}.json`),
      vectors: path.join(dir, `${this.opts.provider}.f32`),
    };
  }

  /** Loads the snapshot (or builds from the store) once, then catches up on newer rows. */
  ready(): Promise<void> {
    this.loaded ??= this.load().catch((e) => {
      this.loaded = undefined;
      throw e;
    });
    return this.loaded;
  }

  private async load(): Promise<void> {
    if (this.opts.dir && (await this.loadSnapshot())) {
      await this.catchUp();
      return;
    }
    this.index = this.fresh();
    this.ids = [];
    this.matrix = new Float32Array(0);
    this.keys.clear();
    this.watermark = new Date(0);
    await this.catchUp();
    this.scheduleSave();
  }

  private async loadSnapshot(): Promise<boolean> {
    const f = this.files();
    try {
      const meta = JSON.parse(await readFile(f.meta, 'utf8')) as Meta;
      if (
        meta.provider !== this.opts.provider ||
        meta.model !== this.opts.model ||
        meta.dims !== this.opts.dims
      )
        return false;
      const index = this.fresh();
      index.load(f.index);
      const live = meta.ids.filter((x) => x !== null).length;
      if (index.size() !== live) return false;
      const raw = await readFile(f.vectors);
      if (raw.length !== meta.ids.length * this.opts.dims * 4) return false;
      this.matrix = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
      this.index = index;
      this.ids = meta.ids;
      this.keys = new Map(meta.ids.flatMap((id, k) => (id === null ? [] : [[id, k] as const])));
      this.watermark = new Date(meta.watermark);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        this.opts.log?.warn(
          { err: e, provider: this.opts.provider },
          'vector index snapshot unusable; rebuilding',
        );
      return false;
    }
  }

  /** Rows written since the watermark go into the index (a changed vector replaces the old one). */
  async catchUp(): Promise<number> {
    let n = 0;
    // Deleted assets' vectors are gone from the store: their tombstones say so.
    n += this.drop(await this.rows.removedSince(this.watermark));
    for await (const page of this.rows.since(this.opts.provider, this.watermark)) {
      const fresh: { id: string; vector: Float32Array }[] = [];
      for (const r of page) {
        if (r.updatedAt > this.watermark) this.watermark = r.updatedAt;
        if (r.model !== this.opts.model || r.vector.length !== this.opts.dims) continue;
        fresh.push({ id: r.assetId, vector: r.vector });
      }
      this.putMany(fresh);
      n += fresh.length;
    }
    if (n) this.scheduleSave();
    this.lastPoll = Date.now();
    return n;
  }

  /** Forgets deleted assets (the deleter calls this; other processes read the tombstones). */
  remove(ids: readonly string[]): void {
    if (this.drop(ids)) this.scheduleSave();
  }

  private drop(ids: readonly string[]): number {
    let n = 0;
    for (const id of ids) {
      const k = this.keys.get(id);
      if (k === undefined) continue;
      this.index.remove(BigInt(k));
      this.ids[k] = null;
      this.keys.delete(id);
      n++;
    }
    return n;
  }

  /** Adds or replaces one vector (the writer calls this after storing the row). */
  upsert(row: Pick<EmbeddingRow, 'assetId' | 'vector' | 'model'>): void {
    if (row.model !== this.opts.model || row.vector.length !== this.opts.dims) return;
    this.put(row.assetId, row.vector);
    this.scheduleSave();
  }

  /** Many at once: one batch insert, which usearch spreads over the cores. */
  private putMany(items: { id: string; vector: Float32Array }[]) {
    const last = new Map(items.map((x) => [x.id, x.vector]));
    if (last.size < 64) {
      for (const [id, v] of last) this.put(id, v);
      return;
    }
    const d = this.opts.dims;
    const keys = new BigUint64Array(last.size);
    const batch = new Float32Array(last.size * d);
    let i = 0;
    for (const [id, v] of last) {
      const k = this.slot(id, v);
      keys[i] = BigInt(k);
      batch.set(v, i * d);
      i++;
    }
    this.index.add(keys, batch, 0);
  }

  private put(id: string, vector: Float32Array) {
    this.index.add(BigInt(this.slot(id, vector)), vector);
  }

  /** A fresh key for the id (the old one, if any, is removed) with its vector in the matrix. */
  private slot(id: string, vector: Float32Array): number {
    const old = this.keys.get(id);
    if (old !== undefined) {
      this.index.remove(BigInt(old));
      this.ids[old] = null;
    }
    const k = this.ids.length;
    this.ids.push(id);
    this.keys.set(id, k);
    const d = this.opts.dims;
    if ((k + 1) * d > this.matrix.length) {
      const grown = new Float32Array(Math.max(1024, (k + 1) * 2) * d);
      grown.set(this.matrix);
      this.matrix = grown;
    }
    this.matrix.set(vector, k * d);
    return k;
  }

  /** Exact cosine over the given ids (or every vector), best first. */
  private exact(query: Float32Array, k: number, ids: Iterable<string>): VectorHit[] {
    const d = this.opts.dims;
    let qn = 0;
    for (let i = 0; i < d; i++) qn += query[i]! * query[i]!;
    qn = Math.sqrt(qn) || 1;
    const hits: VectorHit[] = [];
    for (const id of ids) {
      const key = this.keys.get(id);
      if (key === undefined) continue;
      let dot = 0;
      let n = 0;
      const o = key * d;
      for (let i = 0; i < d; i++) {
        const x = this.matrix[o + i]!;
        dot += x * query[i]!;
        n += x * x;
      }
      hits.push({ id, score: dot / (qn * (Math.sqrt(n) || 1)) });
    }
    return hits.sort((a, b) => b.score - a.score).slice(0, k);
  }

  /**
   * The `k` nearest vectors that `accept` keeps, best first. A small candidate set (a selective
   * filter) is scanned exactly; otherwise the HNSW search widens until `k` accepted hits are found,
   * and an exact scan finishes the job when the graph runs out before the page is full.
   */
  async search(
    query: Float32Array,
    k: number,
    accept: (id: string) => boolean = () => true,
    /** The only ids that can match (a filter's members), when the caller knows them. */
    candidates?: readonly string[] | { readonly size: number; ids(): readonly string[] },
  ): Promise<{ hits: VectorHit[]; searched: number; exact: boolean }> {
    await this.ready();
    if (!this.opts.pollMs || Date.now() - this.lastPoll >= this.opts.pollMs) await this.catchUp();
    const size = this.keys.size;
    if (!size) return { hits: [], searched: 0, exact: true };
    if (size <= EXACT_BELOW) {
      const pool = [...(candidates ? idsOf(candidates) : this.keys.keys())].filter(accept);
      return { hits: this.exact(query, k, pool), searched: pool.length, exact: true };
    }
    if (candidates && sizeOf(candidates) <= size / 20) {
      const pool = idsOf(candidates).filter(accept);
      return { hits: this.exact(query, k, pool), searched: pool.length, exact: true };
    }
    let want = Math.min(size, Math.max(k * 4, 32));
    for (;;) {
      const m = this.index.search(query, want, 0);
      const hits: VectorHit[] = [];
      for (let i = 0; i < m.keys.length && hits.length < k; i++) {
        const id = this.ids[Number(m.keys[i])];
        if (id && accept(id)) hits.push({ id, score: 1 - m.distances[i]! });
      }
      if (hits.length >= k) return { hits, searched: Math.min(want, size), exact: false };
      if (want >= size) {
        const all = [...this.keys.keys()].filter(accept);
        return { hits: this.exact(query, k, all), searched: size, exact: true };
      }
      want = Math.min(size, want * 4);
    }
  }

  private scheduleSave() {
    if (!this.opts.dir) return;
    this.dirty = true;
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.save().catch((err) =>
        this.opts.log?.warn(
          { err, provider: this.opts.provider },
          'could not save the vector index',
        ),
      );
    }, 2_000);
    this.saveTimer.unref();
  }

  /** Writes the snapshot atomically: a crash leaves the old one or the new one, never half. */
  async save(): Promise<void> {
    if (!this.opts.dir || !this.dirty) return;
    this.dirty = false;
    const f = this.files();
    await mkdir(this.opts.dir, { recursive: true });
    const meta: Meta = {
      provider: this.opts.provider,
      model: this.opts.model,
      dims: this.opts.dims,
      watermark: this.watermark.toISOString(),
      ids: this.ids,
    };
    const tmp = (p: string) => `${p}.tmp-${process.pid}`;
    const used = this.matrix.subarray(0, this.ids.length * this.opts.dims);
    try {
      this.index.save(tmp(f.index));
      await writeFile(
        tmp(f.vectors),
        new Uint8Array(used.buffer, used.byteOffset, used.byteLength),
      );
      await writeFile(tmp(f.meta), JSON.stringify(meta));
      // The meta goes last: a crash before it leaves the old meta, whose counts then disagree
      // with the new files, and the index is rebuilt from the store.
      await rename(tmp(f.index), f.index);
      await rename(tmp(f.vectors), f.vectors);
      await rename(tmp(f.meta), f.meta);
    } catch (e) {
      this.dirty = true;
      for (const p of [f.index, f.vectors, f.meta]) await rm(tmp(p), { force: true });
      throw e;
    }
  }

  async close(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    await this.save();
  }
}

type Candidates = readonly string[] | { readonly size: number; ids(): readonly string[] };
const sizeOf = (c: Candidates) => ('ids' in c ? c.size : c.length);
const idsOf = (c: Candidates): readonly string[] => ('ids' in c ? c.ids() : c);
