import { afterEach, describe, expect, it } from 'vitest';
import { ingestBuffer } from '../ingest/ingest.ts';
import { makeImage, makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { invokeTool } from '../tools/define-tool.ts';
import { searchAssets } from '../tools/search-assets.ts';

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});
const actor = { id: 't', surface: 'test' as const };

async function library() {
  env = await makeTestDeps();
  const { deps } = env;
  const add = async (
    seed: number,
    title: string,
    description: string,
    keywords: string[],
    status?: 'approved',
  ) =>
    (
      await ingestBuffer(deps, await makeImage({ seed }), {
        name: `${seed}.jpg`,
        overrides: { title, description, keywords, status },
      })
    ).asset.id;
  return {
    deps,
    bottle: await add(
      1,
      'Water bottle on orange',
      'A steel water bottle on a warm orange backdrop',
      ['bottle', 'summer'],
      'approved',
    ),
    beach: await add(2, 'Beach family', 'Family on the beach at sunset', ['beach', 'family']),
    sale: await add(3, 'Summer sale banner', 'Headline: 25% off everything', ['sale', 'banner']),
    gym: await add(4, 'Gym bottles', 'Three bottles in a gym', ['bottle', 'sport']),
  };
}

describe('search-assets', () => {
  it('ranks by full text with its score and parts, and says how many fell below the cut-off', async () => {
    const { deps, bottle, gym } = await library();
    const out = await invokeTool(searchAssets, { query: 'water bottle' }, deps, { actor });
    expect(out.items[0]!.id).toBe(bottle);
    expect(out.items[0]!.parts.text).toBe(1);
    expect(out.items[0]!.matched).toEqual(['water', 'bottle']);
    expect(out.items.map((i) => i.id)).toContain(gym);
    expect(out.cutoff.explanation).toMatch(/full text \(BM25\); kept results scoring at least 35%/);
    // No CLIP model in this test's MODELS_DIR: the answer says what was not searched.
    expect(out.notSearched).toMatch(/no CLIP model is present/);
  });

  it('applies list filters and "text contains", whitespace-insensitive', async () => {
    const { deps, bottle, sale } = await library();
    const approved = await invokeTool(searchAssets, { query: 'bottle', status: 'approved' }, deps, {
      actor,
    });
    expect(approved.items.map((i) => i.id)).toEqual([bottle]);
    expect(approved.read).toContain('status approved');
    const contains = await invokeTool(searchAssets, { textContains: '25 % OFF' }, deps, { actor });
    expect(contains.items.map((i) => i.id)).toEqual([sale]);
  });

  it('fuses "looks like" with the text by reciprocal rank', async () => {
    const { deps, beach, gym } = await library();
    const out = await invokeTool(searchAssets, { query: 'bottle', likeAssetId: gym }, deps, {
      actor,
    });
    expect(out.items.map((i) => i.id)).not.toContain(gym);
    expect(out.items[0]!.parts).toHaveProperty('vector');
    expect(out.cutoff.explanation).toMatch(/fused by reciprocal rank/);
    await expect(invokeTool(searchAssets, {}, deps, { actor })).rejects.toThrow(
      /give a query, an asset to look like, or text to contain/,
    );
    void beach;
  });

  it('sees an asset changed after the index was built', async () => {
    const { deps, beach } = await library();
    await invokeTool(searchAssets, { query: 'beach' }, deps, { actor });
    await deps.assets.update(beach, { title: 'Lighthouse at dawn' });
    await deps.text.catchUp();
    const out = await invokeTool(searchAssets, { query: 'lighthouse' }, deps, { actor });
    expect(out.items.map((i) => i.id)).toEqual([beach]);
  });
});

describe('search-assets over the text in the images', () => {
  it('finds the banner whose headline matches once OCR has read it', async () => {
    env = await makeTestDeps();
    const { deps } = env;
    const { default: sharp } = await import('sharp');
    const banner = async (headline: string, colour: string) =>
      sharp(
        Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="628">
          <rect width="100%" height="100%" fill="${colour}"/>
          <text x="60" y="260" font-family="sans-serif" font-size="84" font-weight="bold" fill="#111">${headline}</text></svg>`),
      )
        .jpeg()
        .toBuffer();
    const add = async (headline: string, colour: string, name: string) =>
      (await ingestBuffer(deps, await banner(headline, colour), { name })).asset.id;
    const offer = await add('Twenty percent off', '#f4a261', 'banner-a.jpg');
    await add('New autumn colours', '#2a9d8f', 'banner-b.jpg');
    const before = await invokeTool(searchAssets, { query: 'percent off' }, deps, { actor });
    expect(before.items).toEqual([]);
    const { enrich } = await import('./enrich.ts');
    await enrich(deps, { steps: ['ocr'] });
    await deps.text.catchUp();
    const out = await invokeTool(searchAssets, { query: 'twenty percent off' }, deps, { actor });
    expect(out.items.map((i) => i.id)).toEqual([offer]);
    const contains = await invokeTool(searchAssets, { textContains: 'twentypercent' }, deps, {
      actor,
    });
    expect(contains.items.map((i) => i.id)).toEqual([offer]);
  }, 60_000);
});
