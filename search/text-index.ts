// Full-text search over what an asset says about itself: title, description, keywords, tags and
// the text read in the image (OCR). A BM25 sidecar in memory, built from the store on
// first use and caught up from `updated_at`, like the listing index: the store holds every fact.
// Fields weigh differently (a word in the title says more than one in a long description).
import type { AssetsRepository, AssetText } from '../store/assets.repository.ts';

const STOP = new Set(
  'a an the of in on at by to for from with and or is are was be it its this that these those our we you your my me i do does have has show find search images image assets asset pictures picture photos photo visuals visual creatives creative any some all which what where me us please'.split(
    ' ',
  ),
);

/** Lower-case word stems: plurals and -ing/-ed folded, so "bottles" finds "bottle". */
export function terms(text: string): string[] {
  const out: string[] = [];
  // Accents folded: "für" finds "fur" (OCR often drops them) and the other way round.
  const folded = text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
  for (const m of folded.matchAll(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu)) {
    const w = m[0].replace(/['’].*$/, '');
    if (w.length < 2 || STOP.has(w)) continue;
    out.push(stem(w));
  }
  return out;
}

function stem(w: string): string {
  if (w.length <= 3 || /\d/.test(w)) return w;
  let s = w;
  if (s.endsWith('ies') && s.length > 4) s = `${s.slice(0, -3)}y`;
  else if (s.endsWith('es') && /(?:sh|ch|x|ss)es$/.test(s)) s = s.slice(0, -2);
  else if (s.endsWith('s') && !s.endsWith('ss') && !s.endsWith('us')) s = s.slice(0, -1);
  if (s.endsWith('ing') && s.length > 5) s = s.slice(0, -3);
  else if (s.endsWith('ed') && s.length > 4) s = s.slice(0, -2);
  return s;
}

const FIELD_WEIGHT = { title: 3, keywords: 2, tags: 2, ocr: 2, description: 1 } as const;
const K1 = 1.2;
const B = 0.75;

interface Doc {
  tf: Map<string, number>;
  len: number;
  /** Lower-cased text of every field, for "text contains". */
  text: string;
  people?: number;
  expressions: string[];
}

export interface TextHit {
  id: string;
  score: number;
  /** The query terms the asset holds. */
  matched: string[];
}

export class TextIndex {
  private docs = new Map<string, Doc>();
  /** Each asset's slot: its place in the score scratch and the length table (kept per id). */
  private slotOf = new Map<string, number>();
  private idAt: string[] = [];
  private lenAt: number[] = [];
  /** term → slot → weighted frequency (its document frequency is the map's size). */
  private postings = new Map<string, Map<number, number>>();
  /** Per-slot score accumulator, zeroed again after each query. */
  private scratch = new Float64Array(0);
  private totalLen = 0;
  private watermark?: Date;
  private loaded?: Promise<void>;
  private lastPoll = 0;

  constructor(
    private readonly assets: AssetsRepository,
    private readonly opts: { pollMs?: number } = {},
  ) {}

  get size(): number {
    return this.docs.size;
  }

  ready(): Promise<void> {
    this.loaded ??= this.catchUp()
      .then(() => undefined)
      .catch((e) => {
        this.loaded = undefined;
        throw e;
      });
    return this.loaded;
  }

  async catchUp(): Promise<number> {
    let n = 0;
    if (this.watermark) {
      for (const id of await this.assets.removedSince(this.watermark)) {
        if (this.docs.has(id)) {
          this.drop(id);
          n++;
        }
      }
    }
    for await (const page of this.assets.textSince(this.watermark)) {
      for (const a of page) {
        if (!this.watermark || a.updatedAt > this.watermark) this.watermark = a.updatedAt;
        this.put(a);
        n++;
      }
    }
    this.lastPoll = Date.now();
    return n;
  }

  private put(a: AssetText) {
    this.drop(a.id);
    const tf = new Map<string, number>();
    let len = 0;
    const add = (text: string, weight: number) => {
      for (const t of terms(text)) {
        tf.set(t, (tf.get(t) ?? 0) + weight);
        len += weight;
      }
    };
    add(a.title, FIELD_WEIGHT.title);
    add(a.keywords.join(' '), FIELD_WEIGHT.keywords);
    add(a.tags.join(' '), FIELD_WEIGHT.tags);
    add(a.description, FIELD_WEIGHT.description);
    add(a.ocrText, FIELD_WEIGHT.ocr);
    let slot = this.slotOf.get(a.id);
    if (slot === undefined) {
      slot = this.idAt.length;
      this.slotOf.set(a.id, slot);
      this.idAt.push(a.id);
      this.lenAt.push(0);
    }
    this.lenAt[slot] = len;
    for (const [t, f] of tf) {
      const p = this.postings.get(t);
      if (p) p.set(slot, f);
      else this.postings.set(t, new Map([[slot, f]]));
    }
    this.totalLen += len;
    const text = [a.title, a.description, ...a.keywords, ...a.tags, a.ocrText]
      .join('\n')
      .toLowerCase();
    this.docs.set(a.id, { tf, len, text, people: a.people, expressions: a.expressions });
  }

  /** Forgets deleted assets (the deleter calls this; other processes read the tombstones). */
  remove(ids: readonly string[]): void {
    for (const id of ids) this.drop(id);
  }

  private drop(id: string) {
    const old = this.docs.get(id);
    if (!old) return;
    const slot = this.slotOf.get(id)!;
    for (const t of old.tf.keys()) {
      const p = this.postings.get(t);
      p?.delete(slot);
      if (p && !p.size) this.postings.delete(t);
    }
    this.totalLen -= old.len;
    this.docs.delete(id);
  }

  /** People seen (undefined: the people step has not run on it) and their expressions. */
  peopleOf(id: string): { people?: number; expressions: string[] } {
    const d = this.docs.get(id);
    return { people: d?.people, expressions: d?.expressions ?? [] };
  }

  /** Whether the asset's text holds `phrase` (case-insensitive, whitespace-insensitive). */
  contains(id: string, phrase: string): boolean {
    const d = this.docs.get(id);
    if (!d) return false;
    const squash = (s: string) =>
      s
        .normalize('NFD')
        .replace(/\p{M}+/gu, '')
        .toLowerCase()
        .replace(/\s+/g, '');
    return squash(d.text).includes(squash(phrase));
  }

  /**
   * BM25 over every asset `accept` keeps, best first, at most `limit`. Scores accumulate per slot
   * in a scratch array, term by term, and only an asset that would make the top `limit` is
   * offered to `accept` (at 100k a common word touches most assets: no object per candidate).
   */
  async search(
    query: string,
    accept: (id: string) => boolean = () => true,
    limit = Number.POSITIVE_INFINITY,
  ): Promise<TextHit[]> {
    await this.ready();
    if (!this.opts.pollMs || Date.now() - this.lastPoll >= this.opts.pollMs) await this.catchUp();
    const q = [...new Set(terms(query))];
    if (!q.length || !this.docs.size || limit <= 0) return [];
    const n = this.docs.size;
    const avg = this.totalLen / n;
    if (this.scratch.length < this.idAt.length) {
      this.scratch = new Float64Array(Math.ceil(this.idAt.length * 1.5) + 64);
    }
    const acc = this.scratch;
    const lens = this.lenAt;
    const touched: number[] = [];
    for (const t of q) {
      const posting = this.postings.get(t);
      if (!posting) continue;
      const idf = Math.log(1 + (n - posting.size + 0.5) / (posting.size + 0.5));
      for (const [slot, f] of posting) {
        if (acc[slot] === 0) touched.push(slot);
        acc[slot]! += (idf * f * (K1 + 1)) / (f + K1 * (1 - B + (B * lens[slot]!) / avg));
      }
    }
    // The best `limit` accepted: a min-heap of slots by score (ties: the lower slot first).
    const heap: number[] = [];
    const score = new Map<number, number>();
    const worse = (a: number, b: number) =>
      score.get(a)! < score.get(b)! || (score.get(a) === score.get(b) && a > b);
    const up = (i: number) => {
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!worse(heap[i]!, heap[p]!)) break;
        [heap[i], heap[p]] = [heap[p]!, heap[i]!];
        i = p;
      }
    };
    const down = (i: number) => {
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && worse(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && worse(heap[r]!, heap[m]!)) m = r;
        if (m === i) return;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    };
    const all: number[] = [];
    // Read every score first, so the scratch is clean for the next query even if `accept` throws.
    const scores = touched.map((slot) => {
      const s = acc[slot]!;
      acc[slot] = 0;
      return s;
    });
    for (let k = 0; k < touched.length; k++) {
      const slot = touched[k]!;
      const s = scores[k]!;
      if (!(s > 0)) continue;
      if (limit !== Number.POSITIVE_INFINITY && heap.length >= limit) {
        const min = heap[0]!;
        const ms = score.get(min)!;
        if (s < ms || (s === ms && slot > min)) continue;
      }
      const id = this.idAt[slot]!;
      if (!accept(id)) continue;
      score.set(slot, s);
      if (limit === Number.POSITIVE_INFINITY) {
        all.push(slot);
        continue;
      }
      if (heap.length < limit) {
        heap.push(slot);
        up(heap.length - 1);
      } else {
        score.delete(heap[0]!);
        heap[0] = slot;
        down(0);
      }
    }
    const chosen = limit === Number.POSITIVE_INFINITY ? all : heap;
    chosen.sort((a, b) => score.get(b)! - score.get(a)! || a - b);
    return chosen.map((slot) => {
      const id = this.idAt[slot]!;
      const tf = this.docs.get(id)!.tf;
      return { id, score: score.get(slot)!, matched: q.filter((t) => tf.has(t)) };
    });
  }
}
