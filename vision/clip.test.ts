import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Clip, ClipProvider, loadClip, readTaxonomy, zeroShotTags } from './clip.ts';
import { writeTinyClip } from './tiny-clip.ts';

let dir: string;
let clip: Clip;

const picture = (fill: string) =>
  sharp({ create: { width: 120, height: 80, channels: 3, background: fill } })
    .composite([
      {
        input: Buffer.from(
          '<svg xmlns="http://www.w3.org/2000/svg" width="30" height="20"><rect width="30" height="20" fill="#fff"/></svg>',
        ),
        left: 10,
        top: 10,
      },
    ])
    .jpeg()
    .toBuffer();

const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
const norm = (a: Float32Array) => Math.sqrt(cos(a, a));

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'curator-clip-'));
  await writeTinyClip(path.join(dir, 'tiny'));
  clip = await loadClip(dir, 'tiny');
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('CLIP through transformers.js, on the tiny model the project generates', () => {
  it('loads through the real library and gives stable, normalised embeddings', async () => {
    expect(clip.dims).toBe(4);
    expect(clip.model).toMatch(/^tiny@[0-9a-f]{8}$/);
    const img = await picture('#d02020');
    const [a, b] = [await clip.embedImage(img), await clip.embedImage(img)];
    expect(a).toHaveLength(4);
    expect([...a]).toEqual([...b]);
    expect(norm(a)).toBeCloseTo(1, 5);
    const [t1, t2] = await clip.embedTexts(['a red poster', 'a red poster']);
    expect([...t1!]).toEqual([...t2!]);
    expect(norm(t1!)).toBeCloseTo(1, 5);
  });

  it('ranks pictures for words the way it was built to encode (colour)', async () => {
    const fills = { red: '#d02020', green: '#20a030', blue: '#2040d0', grey: '#808080' };
    const images = Object.fromEntries(
      await Promise.all(
        Object.entries(fills).map(async ([k, f]) => [k, await clip.embedImage(await picture(f))]),
      ),
    ) as Record<string, Float32Array>;
    for (const word of Object.keys(fills)) {
      const [t] = await clip.embedTexts([`a ${word} poster`]);
      const ranked = Object.keys(images).sort((x, y) => cos(t!, images[y]!) - cos(t!, images[x]!));
      expect(ranked[0], word).toBe(word);
    }
    // Words it was never built on carry no direction of their own.
    const [unknown] = await clip.embedTexts(['quarterly revenue spreadsheet']);
    const spread = Object.values(images).map((v) => cos(unknown!, v));
    expect(Math.max(...spread) - Math.min(...spread)).toBeLessThan(
      cos((await clip.embedTexts(['red']))[0]!, images.red!) -
        cos((await clip.embedTexts(['red']))[0]!, images.blue!),
    );
  });

  it('loads as CLIPModel in the zero-shot pipeline (the combined graph)', async () => {
    const t = await import('@huggingface/transformers');
    t.env.allowRemoteModels = false;
    t.env.localModelPath = `${dir}${path.sep}`;
    const classify = await t.pipeline('zero-shot-image-classification', 'tiny', { dtype: 'fp32' });
    const image = await t.RawImage.fromBlob(new Blob([new Uint8Array(await picture('#2040d0'))]));
    const out = (await classify(image, ['red', 'green', 'blue'])) as {
      label: string;
      score: number;
    }[];
    expect(out[0]!.label).toBe('blue');
    expect(out.reduce((s, x) => s + x.score, 0)).toBeCloseTo(1, 4);
  });

  it('gives zero-shot tags per facet only where it is sure, with their confidence', async () => {
    const file = path.join(dir, 'taxonomy.json');
    await writeFile(
      file,
      JSON.stringify({
        facets: {
          colour: { labels: ['red', 'green', 'blue'] },
          scene: { labels: ['beach', 'city street', 'kitchen'] },
        },
      }),
    );
    const taxonomy = await readTaxonomy(file);
    const provider = new ClipProvider({ modelsDir: dir, name: 'tiny' });
    const tags = await zeroShotTags(
      provider,
      clip,
      await clip.embedImage(await picture('#20a030')),
      taxonomy,
    );
    // The tiny model knows colours and no scenes: one sure tag, no guess.
    expect(tags).toEqual([{ facet: 'colour', name: 'green', confidence: expect.any(Number) }]);
    expect(tags[0]!.confidence).toBeGreaterThan(0.9);
    // The shipped taxonomy is valid.
    expect(Object.keys((await readTaxonomy()).facets)).toEqual([
      'scene',
      'style',
      'lighting',
      'mood',
    ]);
  });

  it('says what is missing and how to get it when there is no model', async () => {
    await expect(loadClip(dir, 'clip-vit-base-patch32')).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(
        /no CLIP model in .*curator models pull clip-vit-base-patch32/,
      ),
    });
    const provider = new ClipProvider({ modelsDir: dir, name: 'absent' });
    expect(await provider.get()).toBeNull();
    await writeFile(path.join(dir, 'bad.json'), '{"facets": {"x": {"labels": ["only one"]}}}');
    await expect(readTaxonomy(path.join(dir, 'bad.json'))).rejects.toMatchObject({
      code: 'config',
      message: expect.stringMatching(/facets\.x\.labels/),
    });
  });
});
