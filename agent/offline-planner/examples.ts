// Every example of every tool, said as a person would (placeholders filled with sample entities)
// and run through the planner: each must route to its own tool with at least the input it
// implies. A failure names both tools when one tool's example lands on another's.
import { isDeepStrictEqual } from 'node:util';
import type { AnyTool } from '../../tools/define-tool.ts';
import { planStep, toolInfo } from './planner.ts';
import { readPrompt } from './prompt.ts';

/** Sample entities for the placeholders an example may hold. */
export const SAMPLE_ENTITIES: Record<string, string> = {
  id: 'k3j2m9x4p1q8abcd',
  campaign: 'Spring Launch',
  channel: 'instagram-story',
  spec: 'Instagram stories',
  count: '5',
  colour: 'blue',
  locale: 'German',
  date: 'in the last 7 days',
  text: '"golden hour"',
};
const SAMPLE_TEXT = 'golden hour';

export function sayExample(say: string): string {
  return say.replace(/\{(\w+)\}/g, (m, k: string) => SAMPLE_ENTITIES[k] ?? m);
}

const withText = (v: unknown): unknown =>
  v === '{text}'
    ? SAMPLE_TEXT
    : Array.isArray(v)
      ? v.map(withText)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withText(x)]))
        : v;

/** One line per example that does not route to its own tool with its input; empty when all do. */
export function checkExamples(tools: readonly AnyTool[], now = new Date()): string[] {
  const infos = tools.map(toolInfo);
  const failures: string[] = [];
  for (const tool of tools) {
    for (const ex of tool.examples ?? []) {
      const text = sayExample(ex.say);
      const step = planStep(
        readPrompt([{ role: 'user', content: [{ type: 'text', text }] }]),
        infos,
        { now },
      );
      const routed = step.intent === tool.name || step.intent.endsWith(`+${tool.name}`);
      if (!routed) {
        const other =
          step.intent === 'ask-which-tool'
            ? `a near-tie (${
                step.text
                  ?.match(/^Did you mean (\S+) or (\S+)\?/)
                  ?.slice(1)
                  .join(' and ') ?? step.text
              })`
            : step.intent;
        failures.push(`${tool.name}: example "${ex.say}" ("${text}") routes to ${other}`);
        continue;
      }
      const call = step.calls.find((c) => c.toolName === tool.name);
      if (!call) continue; // a two-step plan lists the targets first
      for (const [k, v] of Object.entries(withText(ex.input ?? {}) as Record<string, unknown>)) {
        if (!isDeepStrictEqual(call.input[k], v)) {
          failures.push(
            `${tool.name}: example "${ex.say}" gives ${k}=${JSON.stringify(call.input[k])}, not ${JSON.stringify(v)}`,
          );
        }
      }
    }
  }
  return failures;
}
