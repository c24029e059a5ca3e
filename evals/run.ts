// npm run evals [-- --only <id-substring>] [--report <path>]
// Runs every case against the offline planner, or against the configured model when
// OPENAI_API_KEY / OPENAI_BASE_URL are set; prints a table and the score, writes a JSON report.
// Failing cases do not fail the command: only a runner error (bad case file, crash) does.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Env } from '../core/config.ts';
import { loadCases } from './case.ts';
import { type CaseResult, runEvals } from './runner.ts';

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

async function main() {
  let cases = await loadCases();
  if (values.only) cases = cases.filter((c) => c.id.includes(values.only!));
  const env = modelEnv();
  process.stdout.write(`${cut('case', 34)} ${cut('tools called', 44)} result\n`);
  const report = await runEvals({
    cases,
    env,
    onResult: (r) => process.stdout.write(`${row(r)}\n`),
  });
  const file = path.resolve(values.report!);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  const ms = report.cases.map((c) => c.ms).sort((a, b) => a - b);
  const p50 = ms[Math.floor(ms.length / 2)] ?? 0;
  process.stdout.write(
    `\nmodel ${report.model}: ${report.passed}/${report.total} cases pass (turn p50 ${p50} ms). Report: ${path.relative(process.cwd(), file)}\n`,
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
