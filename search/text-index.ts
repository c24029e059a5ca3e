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
  /** term → the assets that hold it (its document frequency is the set's size). */
  private postings = new Map<string, Set<string>>();
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
    for (const t of tf.keys()) {
      const p = this.postings.get(t);
      if (p) p.add(a.id);
      else this.postings.set(t, new Set([a.id]));
    }
    this.totalLen += len;
    const text = [a.title, a.description, ...a.keywords, ...a.tags, a.ocrText]
      .join('\n')
      .toLowerCase();
    this.docs.set(a.id, { tf, len, text, people: a.people, expressions: a.expressions });
  }

  private drop(id: string) {
    const old = this.docs.get(id);
    if (!old) return;
    for (const t of old.tf.keys()) {
      const p = this.postings.get(t);
      p?.delete(id);
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

  /** BM25 over every asset `accept` keeps, best first. */
  async search(query: string, accept: (id: string) => boolean = () => true): Promise<TextHit[]> {
    await this.ready();
    if (!this.opts.pollMs || Date.now() - this.lastPoll >= this.opts.pollMs) await this.catchUp();
    const q = [...new Set(terms(query))];
    if (!q.length || !this.docs.size) return [];
    const n = this.docs.size;
    const avg = this.totalLen / n;
    const idf = new Map(
      q.map((t) => {
        const df = this.postings.get(t)?.size ?? 0;
        return [t, Math.log(1 + (n - df + 0.5) / (df + 0.5))] as const;
      }),
    );
    const hits: TextHit[] = [];
    const candidates = new Set<string>();
    for (const t of q) for (const id of this.postings.get(t) ?? []) candidates.add(id);
    for (const id of candidates) {
      const d = this.docs.get(id)!;
      let score = 0;
      const matched: string[] = [];
      for (const t of q) {
        const f = d.tf.get(t);
        if (!f) continue;
        matched.push(t);
        score += (idf.get(t)! * f * (K1 + 1)) / (f + K1 * (1 - B + (B * d.len) / avg));
      }
      if (score > 0 && accept(id)) hits.push({ id, score, matched });
    }
    return hits.sort((a, b) => b.score - a.score);
  }
}
