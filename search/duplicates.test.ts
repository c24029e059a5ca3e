import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { ingestBuffer } from '../ingest/ingest.ts';
import { makeImage, makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { invokeTool } from '../tools/define-tool.ts';
import { findDuplicates } from '../tools/find-duplicates.ts';
import { hamming } from './duplicates.ts';

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});
const actor = { id: 't', surface: 'test' as const };

describe('find-duplicates', () => {
  it('tells exact, near and family apart, and never calls a rendition a duplicate', async () => {
    env = await makeTestDeps();
    const { deps } = env;
    const add = async (data: Buffer, name: string) =>
      (await ingestBuffer(deps, data, { name })).asset.id;
    const original = await makeImage({ width: 600, height: 400, seed: 4 });
    const a = await add(original, 'a.jpg');
    const reencoded = await sharp(original).resize(300, 200).webp({ quality: 70 }).toBuffer();
    const b = await add(reencoded, 'b.webp');
    // A rendition of the same picture: the graph says what it is, so it is family.
    const rendition = await sharp(original).resize(450, 300).png().toBuffer();
    const c = await add(rendition, 'c.png');
    await deps.graph.relate('derived_from', c, a, { recipe: 'resize' });
    const unrelated = await add(await makeImage({ width: 600, height: 400, seed: 11 }), 'd.jpg');

    const out = await invokeTool(findDuplicates, { assetId: a }, deps, { actor });
    expect(out.exact).toEqual([]);
    expect(out.near.map((x) => x.id)).toEqual([b]);
    expect(out.near[0]!.why).toMatch(/bits apart/);
    expect(out.family.map((x) => x.id)).toContain(c);
    expect(out.family.find((x) => x.id === c)!.why).toMatch(/derived_from/);
    for (const list of [out.exact, out.near, out.family])
      expect(list.map((x) => x.id)).not.toContain(unrelated);

    const upload = await invokeTool(
      findDuplicates,
      { image: { data: original.toString('base64'), mimeType: 'image/jpeg' } },
      deps,
      { actor },
    );
    expect(upload.exact.map((x) => x.id)).toEqual([a]);

    const library = await invokeTool(findDuplicates, {}, deps, { actor });
    expect(library.groups).toEqual([
      { ids: expect.arrayContaining([a, b]), maxBits: expect.any(Number) },
    ]);
    expect(library.groups[0]!.ids).not.toContain(c);
    const view = findDuplicates.view!(out, { assetId: a, limit: 20 });
    expect(view).toMatchObject({ kind: 'grid' });
  });

  it('counts differing bits of two hashes', () => {
    expect(hamming('0000000000000000', '0000000000000000')).toBe(0);
    expect(hamming('ffffffffffffffff', '0000000000000000')).toBe(64);
    expect(hamming('0f00000000000001', '0000000000000000')).toBe(5);
  });
});
