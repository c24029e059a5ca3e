// bench:hybrid — search-assets (hybrid: BM25 sidecar + kNN + filters, fused by rank) p50/p95 on the
// demo library and at 100k generated assets, and the choice of full-text engine by measurement:
// SurrealDB 3's own FULLTEXT BM25 index against the in-memory BM25 sidecar (search/text-index.ts)
// over the same 100k documents and queries, in one run. `npm run bench:search` runs it after kNN.
// Usage: npm run bench:hybrid [-- --size 100000 --runs 40]
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.ts';
import { createDeps, type Deps } from '../core/deps.ts';
import { createRng } from '../core/random.ts';
import { searchAssets } from '../search/hybrid.ts';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '40' },
    demo: { type: 'string', default: 'on' },
  },
});
const SIZE = Number(values.size);
const RUNS = Number(values.runs);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const f = (x: number) => x.toFixed(2).padStart(8);

async function fresh(): Promise<{ deps: Deps; done: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'curator-bench-hybrid-'));
  const deps = await createDeps(
    loadConfig({
      DATA_DIR: dir,
      SURREAL_URL: 'mem://',
      LOG_LEVEL: 'warn',
      DEMO_SEED: 'off',
      CLIP_MODEL: 'off',
    }),
  );
  return {
    deps,
    done: async () => {
      await deps.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function time(runs: number, fn: (k: number) => Promise<unknown>) {
  const xs: number[] = [];
  await fn(0);
  for (let k = 0; k < runs; k++) {
    const t = performance.now();
    await fn(k);
    xs.push(performance.now() - t);
  }
  return { p50: pct(xs, 50), p95: pct(xs, 95) };
}

const WORDS = (
  'bottle water summer sale spring launch holiday gift family beach sunset orange blue green ' +
  'teal red hero banner story feed running shoe jacket coffee kitchen city street night neon ' +
  'studio portrait smile team office yoga gym mountain snow forest river picnic dog cat phone ' +
  'laptop watch bag dress shirt sneaker chair lamp plant flower candle cake pizza salad fruit'
).split(' ');

async function demo() {
  const { deps, done } = await fresh();
  try {
    const { buildDemoLibrary } = await import('../demo/build.ts');
    await buildDemoLibrary(deps);
    const n = await deps.assets.count();
    const ids = await deps.assets.allIds();
    const queries = [
      'water bottle',
      'summer sale banner',
      'family on the beach',
      'spring launch hero',
      'holiday gifts',
      'running shoes',
    ];
    const rows: [string, { p50: number; p95: number }][] = [
      ['text', await time(RUNS, (k) => searchAssets(deps, { query: queries[k % 6], limit: 20 }))],
      [
        'text + filters',
        await time(RUNS, (k) =>
          searchAssets(deps, {
            query: queries[k % 6],
            selection: { campaign: 'summer', status: 'approved' },
            limit: 20,
          }),
        ),
      ],
      [
        'text + looks like',
        await time(RUNS, (k) =>
          searchAssets(deps, {
            query: queries[k % 6],
            likeAssetId: ids[k % ids.length],
            limit: 20,
          }),
        ),
      ],
    ];
    console.log(`\ndemo library (${n} assets; OCR not run), ${RUNS} queries each (ms)`);
    for (const [name, r] of rows) console.log(`${name.padEnd(20)} p50 ${f(r.p50)} p95 ${f(r.p95)}`);
  } finally {
    await done();
  }
}

async function large() {
  const { deps, done } = await fresh();
  try {
    const rng = createRng(7);
    // Zipf-like: a few words are everywhere, most are rare, as in real titles and keywords.
    const word = () => WORDS[Math.floor(WORDS.length * rng() ** 2)]!;
    const phrase = (n: number) => Array.from({ length: n }, word).join(' ');
    const t0 = performance.now();
    for (let b = 0; b < SIZE; b += 1000) {
      await deps.assets.createMany(
        Array.from({ length: Math.min(1000, SIZE - b) }, (_, j) => {
          const i = b + j;
          return {
            contentHash: `hy-${i}`,
            originalName: `a${i}.jpg`,
            mime: 'image/jpeg',
            width: 1200,
            height: 800,
            bytes: 1,
            blobKey: `k${i}`,
            title: phrase(3),
            description: phrase(10),
            keywords: [word(), word(), word()],
            palette: [],
            status: (['draft', 'approved', 'needs_review'] as const)[i % 3],
            createdAt: new Date(Date.UTC(2026, 0, 1) + i * 1000),
          };
        }),
      );
    }
    process.stderr.write(
      `seeded ${SIZE} assets in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`,
    );
    const queries = Array.from(
      { length: 50 },
      () => `${word()} ${WORDS[Math.floor(rng() * WORDS.length)]}`,
    );

    // The sidecar: built from the store once, then answering from memory.
    const b0 = performance.now();
    await deps.text.ready();
    const sidecarBuild = performance.now() - b0;
    const sidecar = await time(RUNS, (k) =>
      deps.text.search(queries[k % queries.length]!, undefined, 20),
    );
    const hybrid = await time(RUNS, (k) =>
      searchAssets(deps, { query: queries[k % queries.length], limit: 20 }),
    );
    const filtered = await time(RUNS, (k) =>
      searchAssets(deps, {
        query: queries[k % queries.length],
        selection: { status: 'approved' },
        limit: 20,
      }),
    );

    // SurrealDB's own: one FULLTEXT BM25 index over the same words (an index covers one field).
    const s0 = performance.now();
    await deps.db.query(
      `UPDATE asset SET fts = string::concat(title, ' ', description, ' ', array::join(keywords, ' ')) RETURN NONE;
       DEFINE ANALYZER bench_words TOKENIZERS blank, class FILTERS lowercase, ascii;
       DEFINE INDEX bench_fts ON asset FIELDS fts FULLTEXT ANALYZER bench_words BM25;`,
    );
    const surrealBuild = performance.now() - s0;
    const surreal = await time(RUNS, (k) =>
      deps.db.query(
        'SELECT id, search::score(1) AS score FROM asset WHERE fts @1@ $q ORDER BY score DESC LIMIT 20',
        { q: queries[k % queries.length] },
      ),
    );
    console.log(`\n${SIZE} generated assets, ${RUNS} queries each (ms)`);
    console.log(
      `BM25 sidecar (top 20)                 p50 ${f(sidecar.p50)} p95 ${f(sidecar.p95)}   built in ${(sidecarBuild / 1000).toFixed(1)} s`,
    );
    console.log(
      `SurrealDB FULLTEXT BM25 (top 20)      p50 ${f(surreal.p50)} p95 ${f(surreal.p95)}   built in ${(surrealBuild / 1000).toFixed(1)} s   (${(surreal.p95 / sidecar.p95).toFixed(1)}× the sidecar's p95)`,
    );
    console.log(`search-assets, text                   p50 ${f(hybrid.p50)} p95 ${f(hybrid.p95)}`);
    console.log(
      `search-assets, text + status filter   p50 ${f(filtered.p50)} p95 ${f(filtered.p95)}`,
    );
  } finally {
    await done();
  }
}

async function main() {
  if (values.demo !== 'off') await demo();
  if (SIZE > 0) await large();
  process.exit(0);
}

void main();
