// npm run evals [-- --only <id-substring>] [--report <path>]
// Runs every case, then every paraphrase (scored apart), against the offline planner, or against the configured model when
// OPENAI_API_KEY / OPENAI_BASE_URL are set; prints each set's table, its confusion table (expected
// tool against chosen tool) and its score, and writes a JSON report.
// Failing cases do not fail the command: only a runner error (bad case file, crash) does.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Env } from '../core/config.ts';
import { CASES_DIR, loadCases, PARAPHRASES_DIR } from './case.ts';
import { type CaseResult, confusionTable, type EvalReport, runEvals } from './runner.ts';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    report: { type: 'string', default: path.join('reports', 'evals.json') },
  },
});

function modelEnv(): Env {
  const env: Env = {};
  for (const k of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_MODEL'] as const) {
    const v = process.env[k];
    if (v) env[k] = v;
  }
  return env;
}

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));

function row(r: CaseResult): string {
  const tools = r.tools.map((t) => `${t.name}${t.error ? '!' : ''}`).join(', ') || '—';
  return `${cut(r.id, 34)} ${cut(tools, 44)} ${r.pass ? 'pass' : 'FAIL'}  ${r.why.join('; ')}`;
}

async function runSet(label: string, dir: string, env: Env) {
  let cases = await loadCases(dir);
  if (values.only) cases = cases.filter((c) => c.id.includes(values.only!));
  process.stdout.write(`\n${label}\n${cut('case', 34)} ${cut('tools called', 44)} result\n`);
  const report = await runEvals({
    cases,
    env,
    onResult: (r) => process.stdout.write(`${row(r)}\n`),
  });
  process.stdout.write(`\nconfusion (${label}):\n${confusionTable(report.cases)}\n`);
  return report;
}

async function main() {
  const env = modelEnv();
  const cases = await runSet('cases', CASES_DIR, env);
  const paraphrases = await runSet('paraphrases', PARAPHRASES_DIR, env);
  const file = path.resolve(values.report!);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify({ cases, paraphrases }, null, 2)}\n`);
  const ms = [...cases.cases, ...paraphrases.cases].map((c) => c.ms).sort((a, b) => a - b);
  const p50 = ms[Math.floor(ms.length / 2)] ?? 0;
  const pct = (r: EvalReport) => (r.total ? Math.round((1000 * r.passed) / r.total) / 10 : 0);
  process.stdout.write(
    `\nmodel ${cases.model}: cases ${cases.passed}/${cases.total} pass (${pct(cases)}%); paraphrases ${paraphrases.passed}/${paraphrases.total} pass (${pct(paraphrases)}%); turn p50 ${p50} ms. Report: ${path.relative(process.cwd(), file)}\n`,
  );
}

main().then(
  // An HTTP model client can keep sockets alive after the last case; the report is written.
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(
      `evals runner failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    process.exit(1);
  },
);
