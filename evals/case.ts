// The eval case format, validated with zod. Cases live in evals/cases/*.json; {{key}} anywhere in a
// case stands for the id of fixture asset `key` (see evals/fixture.ts).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { describeZodError } from '../tools/define-tool.ts';

/** A check on one argument: a plain value means equals. */
export const ArgMatcher = z.union([
  z.object({ equals: z.unknown() }).strict(),
  z
    .object({ contains: z.unknown() })
    .strict()
    .describe('string: case-insensitive substring; array: holds every given element'),
  z.object({ oneOf: z.array(z.unknown()).min(1) }).strict(),
  z.object({ absent: z.literal(true) }).strict(),
  z.object({ present: z.literal(true) }).strict(),
  z.object({ matches: z.string() }).strict().describe('a regular expression, case-insensitive'),
  z.unknown(),
]);
export type ArgMatcher = z.infer<typeof ArgMatcher>;

export const ExpectedCall = z.object({
  name: z.string(),
  args: z.record(z.string(), ArgMatcher).default({}),
});
export type ExpectedCall = z.infer<typeof ExpectedCall>;

/** A fact: a string the answer must contain (case-insensitive) or a regex given as { regex }. */
export const Fact = z.union([
  z.string().min(1),
  z.object({ regex: z.string(), flags: z.string().optional() }).strict(),
]);
export type Fact = z.infer<typeof Fact>;

export const Persona = z.enum(['marketer', 'mcp-user', 'creative-director']);

export const EvalCase = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    persona: Persona,
    prompt: z.string().min(1),
    /** Earlier user messages, sent first in the same conversation (their results are not checked). */
    conversation: z.array(z.string().min(1)).default([]),
    /** Every expected call must match one call the agent made (in any order). */
    expectTools: z.array(ExpectedCall).default([]),
    /** Tools that must not be called at all. */
    forbidTools: z.array(z.string()).default([]),
    /** No other tools than the expected ones (by name). */
    onlyExpectedTools: z.boolean().default(false),
    mustContain: z.array(Fact).default([]),
    mustNotContain: z.array(Fact).default([]),
    /** The library (statuses, titles, descriptions, keywords) is unchanged after the turn. */
    noSideEffects: z.boolean().default(false),
    /** The turn ends with at least one pending action (true) or none (false). */
    expectPending: z.boolean().optional(),
    notes: z.string().optional(),
    /** The case adds to the library (a rendition): it runs on a library of its own. */
    isolated: z.boolean().default(false),
  })
  .strict();
export type EvalCase = z.infer<typeof EvalCase>;

export const CASES_DIR = path.join(import.meta.dirname, 'cases');
/** Paraphrases of the cases, written blind to the planner and scored apart from them. */
export const PARAPHRASES_DIR = path.join(import.meta.dirname, 'paraphrases');

/** Loads and validates every case; a bad file fails with its name and the zod reason. */
export async function loadCases(dir = CASES_DIR): Promise<EvalCase[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  const cases: EvalCase[] = [];
  for (const f of files) {
    const raw = JSON.parse(await readFile(path.join(dir, f), 'utf8'));
    const parsed = z.array(EvalCase).safeParse(raw);
    if (!parsed.success) throw new Error(`${f}: ${describeZodError(parsed.error)}`);
    cases.push(...parsed.data);
  }
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.id)) throw new Error(`duplicate case id ${c.id}`);
    seen.add(c.id);
  }
  return cases;
}

/** Replaces {{key}} with fixture ids everywhere in a value; an unknown key is an error. */
export function substitute<T>(value: T, ids: Record<string, string>): T {
  const json = JSON.stringify(value).replace(/\{\{([a-z0-9-]+)\}\}/g, (_, key: string) => {
    const id = ids[key];
    if (!id) throw new Error(`unknown fixture asset {{${key}}}`);
    return id;
  });
  return JSON.parse(json) as T;
}
