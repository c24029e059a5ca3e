import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../tools/define-tool.ts';
import { catalog } from '../../tools/index.ts';
import { checkExamples } from './examples.ts';
import { planStep, toolInfo } from './planner.ts';
import { readPrompt } from './prompt.ts';

const now = new Date('2025-06-18T12:00:00Z');

describe("the catalog's examples", () => {
  it('every example of every tool routes to its own tool with at least its input', () => {
    expect(catalog.every((t) => (t.examples?.length ?? 0) >= 3)).toBe(true);
    expect(checkExamples(catalog, now)).toEqual([]);
  });

  it('two tools whose examples collide fail, and each failure names both', () => {
    const moodboard = (name: string) =>
      defineTool({
        name,
        description: `${name} of an asset.`,
        annotations: { readOnly: true },
        input: z.object({ assetId: z.string() }),
        output: z.object({ ok: z.boolean() }),
        run: () => ({ ok: true }),
        examples: [{ say: 'moodboard for {id}' }, { say: 'build a moodboard around {id}' }],
      });
    const failures = checkExamples(
      [...catalog, moodboard('show-moodboard'), moodboard('make-moodboard')],
      now,
    );
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(
      failures.some((f) => f.startsWith('show-moodboard:') && f.includes('make-moodboard')),
    ).toBe(true);
    expect(
      failures.some((f) => f.startsWith('make-moodboard:') && f.includes('show-moodboard')),
    ).toBe(true);
  });
});

describe('a near-tie', () => {
  it('asks which tool was meant, naming both, and calls neither', () => {
    const twin = (name: string) =>
      defineTool({
        name,
        description: `The ${name.split('-')[1]} of an asset.`,
        annotations: { readOnly: true },
        input: z.object({ assetId: z.string() }),
        output: z.object({ ok: z.boolean() }),
        run: () => ({ ok: true }),
        examples: [{ say: 'moodboard for {id}' }],
      });
    const tools = [...catalog, twin('show-moodboard'), twin('open-moodboard')].map(toolInfo);
    const s = planStep(
      readPrompt([
        { role: 'user', content: [{ type: 'text', text: 'moodboard for k3j2m9x4p1q8abcd' }] },
      ]),
      tools,
      { now },
    );
    expect(s.calls).toEqual([]);
    expect(s.text).toMatch(/^Did you mean (show|open)-moodboard or (show|open)-moodboard\?/);
    expect(s.text).toContain('show-moodboard');
    expect(s.text).toContain('open-moodboard');
  });
});
