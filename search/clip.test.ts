// CLIP in the product, on the tiny generated model: the enrich step stores the embedding (its own
// provider and sidecar) and zero-shot tags, search-assets fuses the words-to-pictures kNN, and
// describe-asset shows both. Without a model, everything goes on with the builtin embedding.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ingestBuffer } from '../ingest/ingest.ts';
import { makeImage, makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { invokeTool } from '../tools/define-tool.ts';
import { describeAsset } from '../tools/describe-asset.ts';
import { searchAssets } from '../tools/search-assets.ts';
import { writeTinyClip } from '../vision/tiny-clip.ts';
import { enrich } from './enrich.ts';

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});
const actor = { id: 't', surface: 'test' as const };

async function library(withModel: boolean) {
  const base = await makeTestDeps();
  const models = path.join(base.dir, 'm');
  await base.cleanup();
  if (withModel) await writeTinyClip(path.join(models, 'tiny'));
  await mkdir(models, { recursive: true });
  const taxonomy = path.join(models, 'taxonomy.json');
  await writeFile(
    taxonomy,
    JSON.stringify({ facets: { colour: { labels: ['red', 'green', 'blue'] } } }),
  );
  env = await makeTestDeps({ MODELS_DIR: models, CLIP_MODEL: 'tiny', TAXONOMY_FILE: taxonomy });
  const { deps } = env;
  const add = async (seed: number, color: string, title: string) =>
    (
      await ingestBuffer(deps, await makeImage({ seed, color, width: 200, height: 120 }), {
        name: `${seed}.jpg`,
        overrides: { title },
      })
    ).asset.id;
  return {
    deps,
    red: await add(1, '#d02020', 'Poster one'),
    green: await add(2, '#20a030', 'Poster two'),
    blue: await add(3, '#2040d0', 'Poster three'),
  };
}

describe('CLIP in search and enrichment', () => {
  it('stores the embedding and tags, finds pictures by words, and shows it all', async () => {
    const { deps, red, blue } = await library(true);
    const first = await enrich(deps, { steps: ['clip'] });
    expect(first).toMatchObject({ computed: 3, failed: [], notes: [] });
    // Resumable: a second run finds every result current.
    expect(await enrich(deps, { steps: ['clip'] })).toMatchObject({ computed: 0, current: 3 });

    const out = await invokeTool(searchAssets, { query: 'something red' }, deps, { actor });
    expect(out.items[0]!.id).toBe(red);
    expect(out.items[0]!.parts.clip).toBeGreaterThan(0.9);
    expect(out.cutoff.explanation).toMatch(/CLIP tiny@[0-9a-f]{8}/);
    expect(out.notSearched).toBe('nothing left out');
    // The zero-shot tag is searchable text too.
    const byTag = await invokeTool(searchAssets, { query: 'blue' }, deps, { actor });
    expect(byTag.items[0]!.id).toBe(blue);
    expect(byTag.items[0]!.parts.text).toBeGreaterThan(0);

    const d = await invokeTool(describeAsset, { assetId: red }, deps, { actor });
    expect(d.tags).toContainEqual(
      expect.objectContaining({ name: 'red', source: 'clip', facet: 'colour' }),
    );
    expect(d.embeddings).toContainEqual(
      expect.objectContaining({ provider: 'clip', dims: 4, current: true }),
    );
    expect(d.notExtracted.join(' ')).not.toMatch(/CLIP/);
  });

  it('without a model, says so and goes on with the builtin embedding', async () => {
    const { deps, red } = await library(false);
    const r = await enrich(deps, { steps: ['clip', 'embedding'] });
    expect(r.failed).toEqual([]);
    expect(r.notes.join(' ')).toMatch(/clip: no CLIP model in .*tiny/);
    const out = await invokeTool(searchAssets, { query: 'poster one' }, deps, { actor });
    expect(out.items[0]!.id).toBe(red);
    expect(out.items[0]!.parts.clip).toBeUndefined();
    expect(out.notSearched).toMatch(/no CLIP model is present/);
  });
});
