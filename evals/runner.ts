// Runs eval cases through the real agent (createAgent: memory, approvals, the tool gate) against
// the fixture library in mem://, and judges each turn: tools called and their arguments, facts in
// the answer, pending actions, and whether the library changed.
import { isDeepStrictEqual } from 'node:util';
import type { LanguageModel } from 'ai';
import { type Agent, createAgent, type TurnResult } from '../agent/agent.ts';
import type { Env } from '../core/config.ts';
import type { Deps } from '../core/deps.ts';
import { makeTestDeps } from '../test/helpers.ts';
import { findTool } from '../tools/index.ts';
import { type ArgMatcher, type EvalCase, type Fact, substitute } from './case.ts';
import { seedLibrary } from './fixture.ts';

export interface CaseResult {
  id: string;
  /** The tool the case expects first ("—" for none), and the tool the agent called first. */
  expected: string;
  chosen: string;
  persona: string;
  prompt: string;
  pass: boolean;
  /** Why it failed; empty when it passed. */
  why: string[];
  tools: { name: string; input: unknown; error?: string }[];
  answer: string;
  pending: number;
  finishReason: string;
  ms: number;
}

export interface EvalReport {
  model: string;
  startedAt: string;
  passed: number;
  total: number;
  cases: CaseResult[];
}

export interface RunOptions {
  cases: EvalCase[];
  /** A model to use instead of the configured one (the offline planner when nothing is set). */
  model?: LanguageModel;
  /** Environment for model selection (OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL). */
  env?: Env;
  onResult?: (r: CaseResult) => void;
}

export async function runEvals(opts: RunOptions): Promise<EvalReport> {
  const env = await makeTestDeps(opts.env ?? {});
  try {
    const { ids } = await seedLibrary(env.deps);
    const agent = createAgent(env.deps, opts.model ? { model: opts.model } : {});
    const startedAt = new Date().toISOString();
    const cases: CaseResult[] = [];
    for (const raw of opts.cases) {
      const c = substitute(raw, ids);
      let r: CaseResult;
      if (c.isolated) {
        // A case that adds to the library (renditions) gets a library of its own.
        const own = await makeTestDeps(opts.env ?? {});
        try {
          await seedLibrary(own.deps);
          const a = createAgent(own.deps, opts.model ? { model: opts.model } : {});
          r = await runCase(a, own.deps, c);
        } finally {
          await own.cleanup();
        }
      } else r = await runCase(agent, env.deps, c);
      cases.push(r);
      opts.onResult?.(r);
    }
    return {
      model: agent.model,
      startedAt,
      passed: cases.filter((c) => c.pass).length,
      total: cases.length,
      cases,
    };
  } finally {
    await env.cleanup();
  }
}

export async function runCase(agent: Agent, deps: Deps, c: EvalCase): Promise<CaseResult> {
  const actor = { id: `evals-${c.persona}`, surface: 'test' as const, name: c.persona };
  let conversationId: string | undefined;
  for (const message of c.conversation) {
    conversationId = (await agent.run({ message, conversationId, actor })).conversationId;
  }
  const before = await snapshot(deps);
  const started = performance.now();
  const turn = await agent.run({ message: c.prompt, conversationId, actor });
  const ms = performance.now() - started;
  const why = judge(c, turn);
  if (c.noSideEffects) {
    const after = await snapshot(deps);
    for (const [id, was] of before) {
      const now = after.get(id);
      if (!isDeepStrictEqual(was, now))
        why.push(`library changed: asset ${id} ${JSON.stringify(was)} → ${JSON.stringify(now)}`);
    }
    for (const id of after.keys())
      if (!before.has(id)) why.push(`library changed: asset ${id} was added`);
  }
  return {
    id: c.id,
    expected: c.expectTools[0]?.name ?? '—',
    chosen: turn.toolCalls[0]?.name ?? '—',
    persona: c.persona,
    prompt: c.prompt,
    pass: why.length === 0,
    why,
    tools: turn.toolCalls.map((t) => ({
      name: t.name,
      input: t.input,
      ...(t.error ? { error: t.error } : {}),
    })),
    answer: turn.answer,
    pending: turn.pending.length,
    finishReason: turn.finishReason,
    ms: Math.round(ms),
  };
}

/** Everything a side effect could touch, per asset. */
async function snapshot(deps: Deps): Promise<Map<string, unknown>> {
  const ids = await deps.assets.allIds();
  const assets = await deps.assets.byIds(ids);
  return new Map(
    assets.map((a) => [
      a.id,
      { status: a.status, title: a.title, description: a.description, keywords: a.keywords },
    ]),
  );
}

export function judge(c: EvalCase, turn: TurnResult): string[] {
  const why: string[] = [];
  const calls = turn.toolCalls;
  for (const exp of c.expectTools) {
    const sameName = calls.filter((t) => t.name === exp.name);
    if (!sameName.length) {
      why.push(`expected a ${exp.name} call`);
      continue;
    }
    const failures = sameName.map((t) => argFailures(exp.args, t.input));
    if (!failures.some((f) => f.length === 0)) {
      why.push(`${exp.name} arguments: ${failures[0]!.join('; ')}`);
    }
  }
  // A side-effect tool the case did not ask for is always a failure, forbidden or not.
  const expected = new Set(c.expectTools.map((e) => e.name));
  for (const name of new Set(calls.map((t) => t.name))) {
    if (
      !expected.has(name) &&
      !c.forbidTools.includes(name) &&
      findTool(name)?.annotations.needsApproval
    ) {
      why.push(`unrequested side-effect tool ${name}`);
    }
  }
  for (const name of c.forbidTools) {
    if (calls.some((t) => t.name === name)) why.push(`called forbidden tool ${name}`);
  }
  if (c.onlyExpectedTools) {
    const allowed = new Set(c.expectTools.map((e) => e.name));
    const extra = [...new Set(calls.map((t) => t.name).filter((n) => !allowed.has(n)))];
    if (extra.length) why.push(`unexpected tools: ${extra.join(', ')}`);
  }
  for (const f of c.mustContain)
    if (!factIn(f, turn.answer)) why.push(`answer lacks ${showFact(f)}`);
  for (const f of c.mustNotContain)
    if (factIn(f, turn.answer)) why.push(`answer contains ${showFact(f)}`);
  if (c.expectPending === true && turn.pending.length === 0) why.push('expected a pending action');
  if (c.expectPending === false && turn.pending.length > 0)
    why.push(`unexpected pending action ${turn.pending[0]!.id}`);
  why.push(...uncitedIds(turn));
  if (turn.finishReason === 'error') why.push(`turn failed: ${turn.answer.slice(0, 200)}`);
  return why;
}

/** Ids in the answer must come from this turn's tool calls and results (or the question). */
function uncitedIds(turn: TurnResult): string[] {
  const evidence = JSON.stringify(turn.toolCalls) + JSON.stringify(turn.pending);
  const cited = new Set(turn.answer.match(/\b(?=[a-z2-7]*\d)[a-z2-7]{16}\b/g) ?? []);
  return [...cited]
    .filter((id) => !evidence.includes(id))
    .map((id) => `answer cites ${id}, which no tool result holds`);
}

function factIn(f: Fact, text: string): boolean {
  if (typeof f === 'string') return text.toLowerCase().includes(f.toLowerCase());
  return new RegExp(f.regex, f.flags ?? 'i').test(text);
}

const showFact = (f: Fact) => (typeof f === 'string' ? JSON.stringify(f) : `/${f.regex}/`);

const MATCHER_KEYS = ['equals', 'contains', 'oneOf', 'absent', 'present', 'matches'];

export function argFailures(args: Record<string, ArgMatcher>, input: unknown): string[] {
  const obj = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const out: string[] = [];
  for (const [key, m] of Object.entries(args)) {
    const actual = obj[key];
    const problem = checkArg(m, actual);
    if (problem) out.push(`${key} ${problem} (got ${JSON.stringify(actual)})`);
  }
  return out;
}

function checkArg(m: ArgMatcher, actual: unknown): string | undefined {
  const isMatcher =
    !!m &&
    typeof m === 'object' &&
    !Array.isArray(m) &&
    Object.keys(m).length === 1 &&
    MATCHER_KEYS.includes(Object.keys(m)[0]!);
  if (!isMatcher)
    return isDeepStrictEqual(actual, m) ? undefined : `should equal ${JSON.stringify(m)}`;
  const [kind, want] = Object.entries(m as Record<string, unknown>)[0]!;
  switch (kind) {
    case 'equals':
      return isDeepStrictEqual(actual, want) ? undefined : `should equal ${JSON.stringify(want)}`;
    case 'absent':
      return actual === undefined ? undefined : 'should be absent';
    case 'present':
      return actual !== undefined ? undefined : 'should be present';
    case 'oneOf':
      return (want as unknown[]).some((w) => isDeepStrictEqual(actual, w))
        ? undefined
        : `should be one of ${JSON.stringify(want)}`;
    case 'matches':
      return new RegExp(String(want), 'i').test(String(actual ?? ''))
        ? undefined
        : `should match /${String(want)}/`;
    case 'contains': {
      if (typeof actual === 'string') {
        return actual.toLowerCase().includes(String(want).toLowerCase())
          ? undefined
          : `should contain ${JSON.stringify(want)}`;
      }
      if (Array.isArray(actual)) {
        const wanted = Array.isArray(want) ? want : [want];
        const missing = wanted.filter((w) => !actual.some((a) => isDeepStrictEqual(a, w)));
        return missing.length ? `should contain ${JSON.stringify(missing)}` : undefined;
      }
      return `should contain ${JSON.stringify(want)}`;
    }
  }
  return undefined;
}

/** Expected tool against chosen tool, as rows of text (the diagonal is where they agree). */
export function confusionTable(results: readonly CaseResult[]): string {
  const names = [...new Set(results.flatMap((r) => [r.expected, r.chosen]))].sort();
  const count = (e: string, c: string) =>
    results.filter((r) => r.expected === e && r.chosen === c).length;
  const w = Math.max(12, ...names.map((n) => n.length)) + 1;
  const cols = names.map((n) => n.slice(0, 9).padStart(10)).join('');
  const lines = [`${'expected \\ chosen'.padEnd(w)}${cols}`];
  for (const e of names) {
    if (!results.some((r) => r.expected === e)) continue;
    lines.push(
      `${e.padEnd(w)}${names.map((c) => String(count(e, c) || '.').padStart(10)).join('')}`,
    );
  }
  return lines.join('\n');
}
