import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { ingestBuffer } from '../ingest/ingest.ts';
import { makeImage, makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { invokeTool } from '../tools/define-tool.ts';
import { findSimilar } from '../tools/find-similar.ts';
import { BUILTIN_MODEL, BUILTIN_PROVIDER } from '../vision/descriptor.ts';
import { VectorIndex } from './vector-index.ts';

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});
const actor = { id: 't', surface: 'test' as const };

async function library(n: number) {
  env = await makeTestDeps();
  const ids: string[] = [];
  for (let seed = 1; seed <= n; seed++) {
    const data = await makeImage({ width: 400, height: 300, seed });
    const r = await ingestBuffer(env.deps, data, { name: `img-${seed}.jpg` });
    ids.push(r.asset.id);
  }
  return { deps: env.deps, ids };
}

describe('find-similar', () => {
  it('ranks a resized copy of an asset first, with its score and parts', async () => {
    const { deps, ids } = await library(12);
    const original = await makeImage({ width: 400, height: 300, seed: 5 });
    const copy = await sharp(original).resize(200, 150).webp().toBuffer();
    const resized = (await ingestBuffer(deps, copy, { name: 'copy.webp' })).asset.id;
    const out = await invokeTool(findSimilar, { assetId: ids[4], limit: 5 }, deps, { actor });
    expect(out.items[0]!.id).toBe(resized);
    expect(out.items[0]!.score).toBeGreaterThan(0.97);
    expect(Object.keys(out.items[0]!.parts)).toEqual(['colour', 'layout', 'edges']);
    expect(out.items.map((i) => i.id)).not.toContain(ids[4]);
    expect(out.cutoff.explanation).toMatch(/median of the \d+ nearest/);
    // The view shows the score with its parts and explains the cut-off.
    const view = findSimilar.view!(out, { assetId: ids[4]!, limit: 5 });
    expect(view.kind === 'grid' && view.items[0]).toMatchObject({
      id: resized,
      score: out.items[0]!.score,
      scoreParts: out.items[0]!.parts,
    });
  });

  it('takes an uploaded image (base64) and an asset:// URI', async () => {
    const { deps, ids } = await library(8);
    const upload = await sharp(await makeImage({ width: 400, height: 300, seed: 3 }))
      .resize(120, 90)
      .png()
      .toBuffer();
    const byImage = await invokeTool(
      findSimilar,
      { image: { data: upload.toString('base64'), mimeType: 'image/png' }, limit: 3 },
      deps,
      { actor },
    );
    expect(byImage.items[0]!.id).toBe(ids[2]);
    expect(byImage.query.image).toMatchObject({ mime: 'image/png' });
    const byUri = await invokeTool(findSimilar, { assetId: `asset://${ids[0]}`, limit: 3 }, deps, {
      actor,
    });
    expect(byUri.query.assetId).toBe(ids[0]);
    await expect(
      invokeTool(
        findSimilar,
        { image: { data: 'bm90IGFuIGltYWdl', mimeType: 'image/png' } },
        deps,
        {
          actor,
        },
      ),
    ).rejects.toThrow(/not an image/);
  });
});

describe('the vector sidecar', () => {
  it('saves atomically, reloads, catches up on rows written after it, and never returns a short filtered page', async () => {
    env = await makeTestDeps();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'curator-vectors-'));
    try {
      const put = async (id: string, v: number[]) =>
        env!.deps.embeddings.put({
          assetId: id,
          provider: 'test',
          model: 'm1',
          assetVersion: 1,
          vector: Float32Array.from(v),
        });
      // 200 vectors around one direction, 5 marked "rare" far down the ranking.
      for (let i = 0; i < 200; i++) {
        const a = (i / 200) * 1.2;
        await put(`v${String(i).padStart(3, '0')}`, [Math.cos(a), Math.sin(a), 0.1, 0]);
      }
      const opts = { provider: 'test', model: 'm1', dims: 4, dir };
      const first = new VectorIndex(env.deps.embeddings, opts);
      const q = Float32Array.from([1, 0, 0.1, 0]);
      const top = await first.search(q, 3);
      expect(top.hits.map((h) => h.id)).toEqual(['v000', 'v001', 'v002']);
      const rare = new Set(['v150', 'v160', 'v170', 'v180', 'v190']);
      const filtered = await first.search(q, 5, (id) => rare.has(id));
      expect(filtered.hits.map((h) => h.id)).toEqual([...rare]);
      await first.close();

      // A row written after the snapshot (by anyone) is found by the next process.
      await put('late', [0, 0, 0, 1]);
      const second = new VectorIndex(env.deps.embeddings, opts);
      const again = await second.search(Float32Array.from([0, 0, 0, 1]), 2);
      expect(again.hits[0]!.id).toBe('late');
      expect(second.size).toBe(201);
      // Another model's vectors never mix in.
      await env.deps.embeddings.put({
        assetId: 'other',
        provider: 'test',
        model: 'm2',
        assetVersion: 1,
        vector: Float32Array.from([1, 0, 0.1, 0]),
      });
      expect((await second.search(q, 300)).hits.map((h) => h.id)).not.toContain('other');
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('ingest stores the builtin embedding with its model and asset version', async () => {
    const { deps, ids } = await library(1);
    const row = await deps.embeddings.get(ids[0]!, BUILTIN_PROVIDER);
    expect(row).toMatchObject({ model: BUILTIN_MODEL, assetVersion: 1 });
    let norm = 0;
    for (const x of row!.vector) norm += x * x;
    expect(norm).toBeCloseTo(1, 5);
  });
});

describe('the vector sidecar at HNSW size', () => {
  it('over-fetches a selective filter to a full page, and agrees with the exact scan', async () => {
    const n = 25_000;
    const dims = 16;
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31 - 0.5;
    };
    const rows = Array.from({ length: n }, (_, i) => ({
      assetId: `a${i}`,
      provider: 'p',
      model: 'm',
      assetVersion: 1,
      vector: Float32Array.from({ length: dims }, rnd),
      updatedAt: new Date(1_000 + i),
    }));
    const repo = {
      async *since() {
        yield rows;
      },
      removedSince: async () => [],
    } as unknown as ConstructorParameters<typeof VectorIndex>[0];
    const index = new VectorIndex(repo, { provider: 'p', model: 'm', dims });
    const q = Float32Array.from({ length: dims }, rnd);
    // Every 50th asset: 2% of the library, found by widening the graph search.
    const accept = (id: string) => Number(id.slice(1)) % 50 === 0;
    const r = await index.search(q, 10, accept);
    expect(r.exact).toBe(false);
    expect(r.hits).toHaveLength(10);
    expect(r.hits.every((h) => accept(h.id))).toBe(true);
    const exact = await index.search(q, 10, accept, rows.map((x) => x.assetId).filter(accept));
    expect(exact.exact).toBe(true);
    const overlap = r.hits.filter((h) => exact.hits.some((e) => e.id === h.id)).length;
    expect(overlap).toBeGreaterThanOrEqual(9);
  });
});
