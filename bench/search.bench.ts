// `npm run bench:search`: kNN from the usearch sidecar (the settings search/vector-index.ts uses)
// against a plain Float32Array dot-product loop over the same vectors, in the same run.
// For each size (BENCH_SIZES, default 100000,1000000) and two distributions of 512-d unit vectors:
// - clustered: 1000 Gaussian centres, spread so the 10th neighbour sits at a cosine of about 0.75;
// - uniform on the sphere (no structure: the hard case for any graph index).
// Prints recall@10 against the exact answer, p50/p95 per query, the speed ratio, build time and
// memory. Goals: recall@10 >= 0.95 at >= 50x brute force at 100k; p95 < 10 ms at 1M.
import { Index, MetricKind, ScalarKind } from 'usearch';

const DIMS = 512;
const K = 10;
const QUERIES = Number(process.env.BENCH_QUERIES ?? 100);
const SIZES = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map(Number);
const KINDS = (process.env.BENCH_KINDS ?? 'clustered,uniform').split(',') as (
  | 'clustered'
  | 'uniform'
)[];
const CENTRES = 1000;
/** The graph's degree and build breadth (search/vector-index.ts uses the same). */
const CONNECTIVITY = Number(process.env.BENCH_CONNECTIVITY ?? 16);
const EXPANSION_ADD = Number(process.env.BENCH_EXPANSION_ADD ?? 128);
/** Per-coordinate spread: two points of one cluster meet at cos ≈ 1 / (1 + DIMS·σ²) ≈ 0.75. */
const SIGMA = Math.sqrt(1 / (3 * DIMS));

let state = 42;
function uniform() {
  // xorshift32: deterministic, fast enough for 500M numbers.
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return ((state >>> 0) + 0.5) / 4294967296;
}
function gauss() {
  return Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}
function normalise(v: Float32Array, o: number) {
  let s = 0;
  for (let i = 0; i < DIMS; i++) s += v[o + i]! * v[o + i]!;
  const k = 1 / Math.sqrt(s);
  for (let i = 0; i < DIMS; i++) v[o + i]! *= k;
}

function generate(n: number, kind: 'clustered' | 'uniform'): Float32Array {
  const out = new Float32Array(n * DIMS);
  if (kind === 'uniform') {
    for (let i = 0; i < n * DIMS; i++) out[i] = gauss();
    for (let i = 0; i < n; i++) normalise(out, i * DIMS);
    return out;
  }
  const centres = new Float32Array(CENTRES * DIMS);
  for (let i = 0; i < CENTRES * DIMS; i++) centres[i] = gauss();
  for (let c = 0; c < CENTRES; c++) normalise(centres, c * DIMS);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(uniform() * CENTRES) * DIMS;
    for (let d = 0; d < DIMS; d++) out[i * DIMS + d] = centres[c + d]! + SIGMA * gauss();
    normalise(out, i * DIMS);
  }
  return out;
}

/** The baseline: every dot product, keeping the best K. */
function bruteForce(data: Float32Array, n: number, q: Float32Array, qo: number): number[] {
  const best: { i: number; s: number }[] = [];
  let floor = -Infinity;
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * DIMS;
    for (let d = 0; d < DIMS; d++) s += data[o + d]! * q[qo + d]!;
    if (best.length < K || s > floor) {
      best.push({ i, s });
      best.sort((a, b) => b.s - a.s);
      if (best.length > K) best.pop();
      floor = best[best.length - 1]!.s;
    }
  }
  return best.map((b) => b.i);
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;

function run(n: number, kind: 'clustered' | 'uniform') {
  const data = generate(n, kind);
  const queries = generate(QUERIES, kind);
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const index = new Index({
    metric: MetricKind.Cos,
    dimensions: DIMS,
    quantization: ScalarKind.F32,
    connectivity: CONNECTIVITY,
    expansion_add: EXPANSION_ADD,
    expansion_search: 64,
    multi: false,
  });
  const keys = new BigUint64Array(n);
  for (let i = 0; i < n; i++) keys[i] = BigInt(i);
  index.add(keys, data, 0);
  const buildS = (performance.now() - t0) / 1000;
  const indexMb = process.memoryUsage().rss - rssBefore;

  const exact: number[][] = [];
  const bruteMs: number[] = [];
  for (let q = 0; q < QUERIES; q++) {
    const t = performance.now();
    exact.push(bruteForce(data, n, queries, q * DIMS));
    bruteMs.push(performance.now() - t);
  }
  const lines: string[] = [];
  // The beam (expansion) is at least the k asked for: asking for 256 and keeping 10 is a wider search.
  for (const ef of [64, 256, 512]) {
    const ms: number[] = [];
    let hits = 0;
    for (let q = 0; q < QUERIES; q++) {
      const query = queries.subarray(q * DIMS, (q + 1) * DIMS);
      const t = performance.now();
      const m = index.search(query, ef === 64 ? K : ef, 0);
      ms.push(performance.now() - t);
      const got = new Set(Array.from(m.keys.slice(0, K), Number));
      hits += exact[q]!.filter((i) => got.has(i)).length;
    }
    const recall = hits / (QUERIES * K);
    lines.push(
      `  usearch (beam ${ef}): recall@10 ${recall.toFixed(3)}, p50 ${pct(ms, 50).toFixed(2)} ms, p95 ${pct(ms, 95).toFixed(2)} ms; brute force p50 ${pct(bruteMs, 50).toFixed(1)} ms, p95 ${pct(bruteMs, 95).toFixed(1)} ms: ${(pct(bruteMs, 50) / pct(ms, 50)).toFixed(0)}x faster at p50`,
    );
  }
  process.stdout.write(
    `${n.toLocaleString('en')} × ${DIMS}-d, ${kind}: build ${buildS.toFixed(1)} s, index ~${mb(indexMb)} over the ${mb(n * DIMS * 4)} of vectors\n${lines.join('\n')}\n`,
  );
}

process.stdout.write(
  `bench:search: ${QUERIES} queries per case, k = ${K}, usearch connectivity ${CONNECTIVITY}, expansion_add ${EXPANSION_ADD} (search/vector-index.ts)\n`,
);
for (const n of SIZES) for (const kind of KINDS) run(n, kind);
