import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assetInput, makeTestDeps, type TestEnv } from '../test/helpers.ts';

let env: TestEnv;
beforeEach(async () => {
  env = await makeTestDeps();
});
afterEach(() => env.cleanup());

async function chain(n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await env.deps.assets.create(assetInput(`g${i}`))).id);
  for (let i = 1; i < n; i++) await env.deps.graph.relate('derived_from', ids[i]!, ids[i - 1]!);
  return ids;
}

describe('the lineage graph', () => {
  it('walks down and up level by level, each asset once', async () => {
    const [a, b, c, d] = await chain(4);
    const down = await env.deps.graph.walk(a!, 'down', 10);
    expect(down.steps.map((s) => [s.id, s.depth, s.from])).toEqual([
      [b, 1, a],
      [c, 2, b],
      [d, 3, c],
    ]);
    const up = await env.deps.graph.walk(d!, 'up', 2);
    expect(up.steps.map((s) => s.id)).toEqual([c, b]);
  });

  it('refuses a cycle, naming it, and an asset made from itself', async () => {
    const [a, , c] = await chain(3);
    await expect(env.deps.graph.relate('derived_from', a!, c!)).rejects.toThrow(
      new RegExp(`a cycle: ${c} already comes from ${a}`),
    );
    await expect(env.deps.graph.relate('variant_of', a!, a!)).rejects.toThrow(
      /cannot be variant of itself/,
    );
    expect((await env.deps.graph.walk(c!, 'down', 10)).steps).toEqual([]);
  });
});
