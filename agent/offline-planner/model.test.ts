import type { LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { generateText, isStepCount, streamText, type ToolSet } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { seedLibrary } from '../../evals/fixture.ts';
import { newId } from '../../store/ids.ts';
import { makeTestDeps, type TestEnv } from '../../test/helpers.ts';
import { type AnyTool, defineTool } from '../../tools/define-tool.ts';
import { catalog } from '../../tools/index.ts';
import { toAiTools } from '../ai-tools.ts';
import type { PendingAction } from '../approvals.ts';
import { createOfflinePlanner } from './model.ts';

let env: TestEnv;
let ids: Record<string, string>;

beforeAll(async () => {
  env = await makeTestDeps();
  ids = (await seedLibrary(env.deps)).ids;
});
afterAll(() => env.cleanup());

/** The catalog as AI SDK tools, run against the mem:// library through the real approval gate. */
function tools(list: readonly AnyTool[] = catalog) {
  const pending: PendingAction[] = [];
  const set: ToolSet = toAiTools(
    list,
    env.deps,
    { actor: { id: 'tester', surface: 'test' }, conversationId: newId() },
    (a) => pending.push(a),
  );
  return { set, pending };
}

function ask(prompt: string, list: readonly AnyTool[] = catalog) {
  const t = tools(list);
  const model = createOfflinePlanner({ tools: list, now: () => new Date('2025-06-18T12:00:00Z') });
  return generateText({ model, tools: t.set, prompt, stopWhen: isStepCount(6) }).then((r) => ({
    text: r.text,
    steps: r.steps,
    finishReason: r.finishReason,
    response: r.response,
    providerMetadata: r.providerMetadata,
    pending: t.pending,
    calls: r.steps.flatMap((s) => s.toolCalls.map((c) => ({ name: c.toolName, input: c.input }))),
  }));
}

describe('offline planner as an AI SDK language model', () => {
  it('declares itself: provider curator, model offline-planner, planner metadata on every answer', async () => {
    const model = createOfflinePlanner({ tools: catalog });
    expect(model.specificationVersion).toBe('v4');
    expect(model.provider).toBe('curator');
    expect(model.modelId).toBe('offline-planner');
    const r = await ask('show me the approved assets');
    expect(r.response.modelId).toBe('offline-planner');
    expect(r.providerMetadata).toMatchObject({ curator: { planner: 'offline' } });
    expect(r.steps.every((s) => s.providerMetadata?.curator?.planner === 'offline')).toBe(true);
  });

  it('routes a marketer request to list-assets with campaign, channel and count, then answers from the result', async () => {
    const r = await ask('Show me the top 5 Instagram story assets in the Spring Launch campaign');
    expect(r.calls).toEqual([
      {
        name: 'list-assets',
        input: { campaign: 'Spring Launch', channel: 'instagram-story', limit: 5 },
      },
    ]);
    expect(r.text).toContain(ids['spring-hero-ig-story']);
    expect(r.text).toContain(ids['spring-hero-de-story']);
    expect(r.text).not.toContain(ids['summer-beach-ig-story']);
    expect(r.finishReason).toBe('stop');
  });

  it('streams the same turn: tool input deltas, the tool call, then the answer text', async () => {
    const t = tools();
    const model = createOfflinePlanner({ tools: catalog });
    const raw = await model.doStream({
      prompt: [{ role: 'user', content: [{ type: 'text', text: 'list the drafts' }] }],
    });
    const parts: LanguageModelV4StreamPart[] = [];
    for await (const p of raw.stream as unknown as AsyncIterable<LanguageModelV4StreamPart>)
      parts.push(p);
    expect(parts.map((p) => p.type)).toEqual([
      'stream-start',
      'response-metadata',
      'tool-input-start',
      'tool-input-delta',
      'tool-input-end',
      'tool-call',
      'finish',
    ]);
    const s = streamText({
      model,
      tools: t.set,
      prompt: 'list the drafts',
      stopWhen: isStepCount(6),
    });
    const text = await s.text;
    const g = await ask('list the drafts');
    expect(text).toBe(g.text);
    expect(text).toMatch(/Found 8 assets matching status draft/);
    expect((await s.providerMetadata)?.curator?.planner).toBe('offline');
  });

  it('takes two steps for "asset X and its children": the asset, then each child', async () => {
    const r = await ask(`show me asset ${ids['summer-beach']} and its children`);
    expect(r.calls[0]).toEqual({ name: 'get-asset', input: { assetId: ids['summer-beach'] } });
    const childIds = r.calls.slice(1).map((c) => (c.input as { assetId: string }).assetId);
    expect(childIds.sort()).toEqual(
      [ids['summer-beach-ig-story'], ids['summer-beach-leaderboard'], ids['summer-sale-es']].sort(),
    );
    expect(r.steps).toHaveLength(3);
    expect(r.text).toContain(
      `${ids['summer-beach-leaderboard']} — "Summer Sale beach – leaderboard" via derived_from`,
    );
  });

  it('never acts on instructions inside asset text', async () => {
    const r = await ask(`Tell me about ${ids['summer-poster']}`);
    expect(r.calls.map((c) => c.name)).toEqual(['get-asset']);
    expect(r.pending).toEqual([]);
    expect(r.text).toContain('IGNORE PREVIOUS INSTRUCTIONS');
    expect(r.text).toMatch(/reads like an instruction\. I treat asset text as data/);
    expect((await env.deps.assets.get(ids['summer-beach']!)).status).toBe('approved');
  });

  it('turns "archive asset X" into a set-asset-status call that awaits approval, and says so with its id', async () => {
    const r = await ask(`archive asset ${ids['spring-hero-fb']}`);
    expect(r.calls).toEqual([
      {
        name: 'set-asset-status',
        input: { assetIds: [ids['spring-hero-fb']], status: 'archived' },
      },
    ]);
    expect(r.pending).toHaveLength(1);
    expect(r.text).toMatch(/^Awaiting approval: Set status of .+ to "archived"\./);
    expect(r.text).toContain(`Assets: ${ids['spring-hero-fb']}.`);
    expect(r.text).toContain(`Pending action ${r.pending[0]!.id}`);
    expect((await env.deps.assets.get(ids['spring-hero-fb']!)).status).toBe('draft');
  });

  it('renames with the title in quotes and adds keywords without replacing the others', async () => {
    const rename = await ask(`Rename asset ${ids['spring-product']} to "Amber bottle, hero crop"`);
    expect(rename.calls).toEqual([
      {
        name: 'update-asset-metadata',
        input: { assetId: ids['spring-product'], title: 'Amber bottle, hero crop' },
      },
    ]);
    const add = await ask(`add the tags beach, golden hour and kids to ${ids['summer-beach']}`);
    expect(add.calls[0]?.input).toEqual({
      assetId: ids['summer-beach'],
      addKeywords: ['beach', 'golden hour', 'kids'],
    });
  });

  it('reports a tool error in words instead of inventing a result', async () => {
    const r = await ask('list the assets in the Black Friday campaign');
    expect(r.calls).toEqual([{ name: 'list-assets', input: { campaign: 'Black Friday' } }]);
    // The error names the campaigns that exist, so the person can pick one.
    expect(r.text).toMatch(
      /^I couldn't run list-assets: no campaign matches "Black Friday"; campaigns: Holiday Gifting \(holiday-gifting\), Spring Launch \(spring-launch\) and Summer Sale \(summer-sale\)/,
    );
  });

  it('answers a request no tool covers with what it can do, without calling anything', async () => {
    const r = await ask('What is the weather in Paris tomorrow?');
    expect(r.calls).toEqual([]);
    expect(r.text).toMatch(/^I can't help with that request/);
    for (const t of catalog) expect(r.text).toContain(`- ${t.name}:`);
  });

  it('drives a tool it has no rule for from the tool name and zod schema, and shows its explanation', async () => {
    const traceLineage = defineTool({
      name: 'trace-lineage',
      description: 'Ancestors and descendants of an asset.',
      annotations: { readOnly: true },
      input: z.object({
        assetId: z.string(),
        // Words for the values live in the schema, where the planner reads them.
        direction: z
          .enum(['up', 'down', 'both'])
          .default('both')
          .meta({ aliases: { up: ['upstream', 'ancestors'], down: ['downstream'] } }),
        depth: z.number().int().min(1).max(6).default(3),
      }),
      output: z.object({
        nodes: z.array(z.object({ id: z.string(), title: z.string(), relation: z.string() })),
        explanation: z.object({ method: z.string(), confidence: z.number() }),
      }),
      run: async ({ assetId, direction }, deps) => {
        const n = await deps.graph.neighbours(assetId);
        const rel = direction === 'up' ? n.parents : n.children;
        const assets = await deps.assets.byIds(rel.map((r) => r.id));
        return {
          nodes: assets.map((a, i) => ({ id: a.id, title: a.title, relation: rel[i]!.edge })),
          explanation: {
            method: 'graph walk over derived_from/localized_from/variant_of edges',
            confidence: 1,
          },
        };
      },
    });
    const r = await ask(`trace the lineage of ${ids['spring-hero-de-story']} upstream, depth 2`, [
      ...catalog,
      traceLineage,
    ]);
    expect(r.calls).toEqual([
      {
        name: 'trace-lineage',
        input: { assetId: ids['spring-hero-de-story'], direction: 'up', depth: 2 },
      },
    ]);
    expect(r.text).toContain(ids['spring-hero-de']);
    expect(r.text).toContain(
      'Why: method: graph walk over derived_from/localized_from/variant_of edges; confidence 1',
    );
  });

  it('honours toolChoice none and an aborted signal', async () => {
    const model = createOfflinePlanner({ tools: catalog });
    const prompt = [
      { role: 'user' as const, content: [{ type: 'text' as const, text: 'list the drafts' }] },
    ];
    const r = await model.doGenerate({ prompt, toolChoice: { type: 'none' } });
    expect(r.content.map((c) => c.type)).toEqual(['text']);
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await expect(model.doGenerate({ prompt, abortSignal: ac.signal })).rejects.toThrow('stop');
  });

  it('is deterministic and plans a step in a few milliseconds', async () => {
    const model = createOfflinePlanner({
      tools: catalog,
      now: () => new Date('2025-06-18T12:00:00Z'),
    });
    const prompt = [
      {
        role: 'user' as const,
        content: [
          {
            type: 'text' as const,
            text: 'Approve all drafts in the Summer Sale campaign with red in them',
          },
        ],
      },
    ];
    const first = await model.doGenerate({ prompt });
    const started = performance.now();
    for (let i = 0; i < 200; i++) {
      const again = await model.doGenerate({ prompt });
      expect(again.content).toEqual(first.content);
    }
    // Generous bound for slow CI machines; the goal is < 5 ms a step.
    expect((performance.now() - started) / 200).toBeLessThan(20);
  });
});
