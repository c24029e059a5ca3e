import { afterEach, describe, expect, it } from 'vitest';
import { assetInput, makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { GraphRepository } from './graph.repository.ts';
import { LineageIndex } from './lineage-index.ts';

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});

describe('the lineage sidecar', () => {
  it('catches up edges and placements another process wrote, and drops deleted assets', async () => {
    env = await makeTestDeps();
    const { deps } = env;
    const [m, r, c] = await deps.assets.createMany(['m', 'r', 'c'].map((k) => assetInput(k)));
    await deps.graph.relate('derived_from', r!, m!, { recipe_hash: 'h1' });
    // Another process: its own sidecar over the same store, caught up on every read.
    const other = new GraphRepository(deps.db, new LineageIndex(deps.db, { pollMs: 0 }));
    expect((await other.walk(m!, 'down', 5)).steps.map((s) => s.id)).toEqual([r]);
    // Written behind its back: an edge and a placement, then its walk sees both.
    await deps.graph.relate('localized_from', c!, r!, { locale: 'de-DE' });
    await deps.catalog.upsertCampaign({ id: 'kamp', slug: 'kamp', name: 'K', status: 'active' });
    await deps.catalog.upsertPlacement({
      id: 'p1',
      asset: c!,
      campaign: 'kamp',
      channel: 'web-hero',
    });
    const down = await other.walk(m!, 'down', 5);
    expect(down.steps.map((s) => [s.id, s.edge, s.depth, s.locale ?? s.recipeHash])).toEqual([
      [r, 'derived_from', 1, 'h1'],
      [c, 'localized_from', 2, 'de-DE'],
    ]);
    expect((await other.placementsOf([c!])).map((p) => p.id)).toEqual(['p1']);
    expect((await other.walk(c!, 'up', 5)).steps.map((s) => s.id)).toEqual([r, m]);
    // Deleted (by the repository, leaving tombstones): gone from its walks and placements.
    await deps.db.query('DELETE placement:p1');
    await deps.assets.deleteMany([c!]);
    expect((await other.walk(m!, 'down', 5)).steps.map((s) => s.id)).toEqual([r]);
    expect(await other.placementsOf([c!])).toEqual([]);
    // And this process's own sidecar answers the same.
    expect((await deps.graph.walk(m!, 'down', 5)).steps.map((s) => s.id)).toEqual([r]);
  });
});
