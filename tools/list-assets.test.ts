import { afterEach, describe, expect, it } from 'vitest';
import { assetInput, makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { invokeTool, RESULT_BUDGET_CHARS } from './define-tool.ts';
import { listAssets } from './list-assets.ts';

let env: TestEnv;
afterEach(() => env.cleanup());

describe('list-assets toward a model', () => {
  it('shrinks a page that would not fit the result budget, says so, and continues after it', async () => {
    env = await makeTestDeps();
    await env.deps.assets.createMany(
      Array.from({ length: 130 }, (_, i) =>
        assetInput(`budget-${i}`, {
          title: `A deliberately long title for asset number ${i} `.repeat(4),
          createdAt: new Date(Date.UTC(2026, 0, 1) + i * 1000),
        }),
      ),
    );
    const ctx = { actor: { id: 'maya', surface: 'mcp' as const } };
    const first = await invokeTool(listAssets, { limit: 100 }, env.deps, ctx);
    expect(JSON.stringify(first).length).toBeLessThanOrEqual(RESULT_BUDGET_CHARS);
    expect(first.items.length).toBeGreaterThan(10);
    expect(first.items.length).toBeLessThan(100);
    expect(first.note).toMatch(new RegExp(`showing ${first.items.length} of the 100 asked for`));
    expect(first.total).toBe(130);
    const seen = first.items.map((i) => i.id);
    let cursor = first.next;
    while (cursor) {
      const page = await invokeTool(listAssets, { limit: 100, cursor }, env.deps, ctx);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.next;
    }
    expect(new Set(seen).size).toBe(130);
  });
});
