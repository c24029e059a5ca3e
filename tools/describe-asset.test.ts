import { afterEach, describe, expect, it } from 'vitest';
import { viewText } from '../core/views.ts';
import { ingestBuffer } from '../ingest/ingest.ts';
import { makeImage, makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { invokeTool } from './define-tool.ts';
import { describeAsset } from './describe-asset.ts';

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});

describe('describe-asset', () => {
  it('lists what is known with sources and confidences, and what is not extracted yet', async () => {
    env = await makeTestDeps();
    const r = await ingestBuffer(env.deps, await makeImage({ seed: 3 }), {
      name: 'x.jpg',
      overrides: { keywords: ['beach'] },
    });
    const out = await invokeTool(describeAsset, { assetId: r.asset.id }, env.deps, {
      actor: { id: 't', surface: 'test' },
    });
    expect(out.tags.every((t) => t.source && t.confidence >= 0)).toBe(true);
    expect(out.embeddings).toEqual([
      { provider: 'builtin', model: expect.stringMatching(/^builtin-/), dims: 144, current: true },
    ]);
    expect(out.phash).toMatch(/^[0-9a-f]{16}$/);
    const text = viewText(describeAsset.view!(out, { assetId: r.asset.id }));
    expect(text).toMatch(/embedding \| 144-d \| builtin: builtin-lab-layout-edges@1/);
    expect(text).toMatch(/not extracted yet \| text in the image \(OCR\)/);
  });
});
