// Words to match on: a message (with its entities already replaced by placeholders such as {id})
// becomes a list of canonical tokens, and tools are ranked by BM25 against the tokens of their
// examples. The lexicon maps the many ways people say a thing onto one token, so examples need not
// list every synonym; it holds general English of asset work, never a tool's name.

/** Phrases first (longest first), then single words: each maps to the canonical token(s). */
const PHRASES: [RegExp, string][] = [
  [/\btake (?:\S+ )?down\b/g, 'archive'],
  [
    /\bsign(?:ed)?[ -]?off\b|\bsigned[ -]off\b|\bgreen[ -]?light(?:ed)?\b|\bok(?:ay)?ed\b/g,
    'approve',
  ],
  [/\bpull (?:up|out)\b|\bcall up\b|\blook at\b|\bopen up\b/g, 'show'],
  [
    /\bcome from\b|\bcame from\b|\bcomes from\b|\bderived from\b|\bmade from\b|\bbased on\b/g,
    'origin',
  ],
  [/\bout of the archive\b|\bback from the archive\b|\bfrom the archive\b/g, 'unarchive'],
  [/\bmost recent\b/g, 'newest'],
  [/\bhow many\b|\bnumber of\b|#\s*of\b/g, 'count'],
  [/\bover time\b|\baudit trail\b|\bchange log\b|\bchangelog\b/g, 'history'],
  [/\broll(?:ed)? back\b/g, 'undo'],
  [/\bup for\b/g, 'for'],
  [
    /\bmore (?:details?|info(?:rmation)?|on|about)\b|\btell me about\b|\bdetails? (?:on|of|for|about)\b|\binfo(?:rmation)? (?:on|about)\b/g,
    'detail',
  ],
];

const WORDS: Record<string, string> = {
  retire: 'archive',
  shelve: 'archive',
  unarchive: 'unarchive',
  restore: 'unarchive',
  reinstate: 'unarchive',
  approve: 'approve',
  okay: 'approve',
  greenlight: 'approve',
  display: 'show',
  view: 'show',
  see: 'show',
  fetch: 'show',
  open: 'show',
  check: 'show',
  inspect: 'show',
  get: 'show',
  search: 'find',
  recent: 'newest',
  latest: 'newest',
  new: 'newest',
  picture: 'asset',
  image: 'asset',
  photo: 'asset',
  visual: 'asset',
  creative: 'asset',
  file: 'asset',
  stuff: 'asset',
  content: 'asset',
  shot: 'asset',
  retitle: 'rename',
  title: 'rename',
  name: 'rename',
  call: 'rename',
  tag: 'keyword',
  keyword: 'keyword',
  label: 'keyword',
  drop: 'remove',
  delete: 'remove',
  strip: 'remove',
  take: 'remove',
  append: 'add',
  include: 'add',
  submit: 'send',
  revert: 'undo',
  reverse: 'undo',
  rollback: 'undo',
  parent: 'origin',
  source: 'origin',
  original: 'origin',
  ancestor: 'origin',
  child: 'rendition',
  children: 'rendition',
  derivative: 'rendition',
  cut: 'rendition',
  version: 'rendition',
  describe: 'detail',
  details: 'detail',
  detailed: 'detail',
  info: 'detail',
  rundown: 'detail',
  walk: 'detail',
  about: 'detail',
  explain: 'detail',
  log: 'history',
  trail: 'history',
  happen: 'history',
  modify: 'change',
  edit: 'change',
  alter: 'change',
  update: 'change',
  placed: 'placement',
  running: 'placement',
  live: 'placement',
};

/** Words that say nothing about which tool is meant. */
const STOP = new Set(
  (
    'a an the of in on at by to for from with and or but is are was were be been being do does did ' +
    'i me my we us our you your it its this that these those there here them they their what which ' +
    'who whom when where why how can could would will shall should may might must please pls plz ' +
    'thanks thank just also so then than now currently still yet already really very some all every ' +
    'each one ones s t d ll re ve m have has had got like want need wanna let lets am up out ' +
    'into over as if not no yes ok hmm oh actually instead rather maybe okay well kinds kind thing things ' +
    'whatever able help any anything everything give tell don doesn didn isn aren wasn won can couldn wouldn shouldn haven hasn'
  ).split(' '),
);
// "kind" is a list filter's name, but as a word it is nearly always "what kind of": a stop word.

/** Light stemming: enough to fold plurals and tenses, never so much that words collide. */
export function stem(w: string): string {
  if (w.length <= 3 || w.startsWith('{')) return w;
  let s = w;
  if (s.endsWith('ies') && s.length > 4) s = `${s.slice(0, -3)}y`;
  else if (s.endsWith('sses')) s = s.slice(0, -2);
  else if (s.endsWith('s') && !s.endsWith('ss') && !s.endsWith('us')) s = s.slice(0, -1);
  if (s.endsWith('ing') && s.length > 5) s = s.slice(0, -3);
  else if (s.endsWith('ed') && s.length > 4) s = s.slice(0, -2);
  if (s.endsWith('e') && s.length > 4) s = s.slice(0, -1);
  return s;
}

const canonical = new Map<string, string>(
  Object.entries(WORDS).map(([k, v]) => [stem(k), stem(v)] as const),
);

/** Canonical tokens of a text whose entities are already placeholders ("{id}", "{campaign}"). */
export function tokens(masked: string): string[] {
  let t = masked.toLowerCase().replace(/[’']/g, "'");
  for (const [re, to] of PHRASES) t = t.replace(re, ` ${to} `);
  t = t.replace(/\bmost newest\b/g, 'newest');
  const out: string[] = [];
  for (const m of t.matchAll(/\{[a-z]+\}|[a-z0-9]+(?:'[a-z]+)?/g)) {
    const raw = m[0].replace(/'[a-z]+$/, '');
    if (STOP.has(raw)) continue;
    const s = stem(raw);
    const c = canonical.get(s) ?? canonical.get(raw) ?? s;
    if (STOP.has(c)) continue;
    out.push(c);
  }
  return out;
}

/** BM25 over a fixed set of short documents (a tool's examples), with the usual k1 and b. */
export class Bm25 {
  private readonly df = new Map<string, number>();
  private readonly avgLen: number;
  private readonly docs: { tf: Map<string, number>; len: number }[];

  constructor(
    docs: readonly (readonly string[])[],
    private readonly k1 = 1.2,
    private readonly b = 0.5,
  ) {
    this.docs = docs.map((d) => {
      const tf = new Map<string, number>();
      for (const t of d) tf.set(t, (tf.get(t) ?? 0) + 1);
      for (const t of tf.keys()) this.df.set(t, (this.df.get(t) ?? 0) + 1);
      return { tf, len: d.length };
    });
    this.avgLen = this.docs.reduce((s, d) => s + d.len, 0) / Math.max(1, this.docs.length);
  }

  /** Whether any document has this token. */
  knows(token: string): boolean {
    return this.df.has(token);
  }

  idf(token: string): number {
    const n = this.docs.length;
    const df = this.df.get(token) ?? 0;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** Score of document `i` for the query tokens (each distinct query token counts once). */
  score(query: readonly string[], i: number): number {
    const d = this.docs[i]!;
    let s = 0;
    for (const t of new Set(query)) {
      const f = d.tf.get(t);
      if (!f) continue;
      const norm = f + this.k1 * (1 - this.b + (this.b * d.len) / this.avgLen);
      s += (this.idf(t) * (f * (this.k1 + 1))) / norm;
    }
    return s;
  }

  /** Share of the document's tokens the query holds, 0..1: a tie-break between examples. */
  coverage(query: readonly string[], i: number): number {
    const d = this.docs[i]!;
    if (!d.len) return 0;
    const q = new Set(query);
    let hit = 0;
    for (const [t, f] of d.tf) if (q.has(t)) hit += f;
    return hit / d.len;
  }
}
