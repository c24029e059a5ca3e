import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ingestBuffer } from '../ingest/ingest.ts';
import { makeImage, makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { BUILTIN_MODEL, BUILTIN_PROVIDER } from '../vision/descriptor.ts';
import { enrich } from './enrich.ts';

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});

describe('enrich', () => {
  it('computes missing embeddings, skips current ones on a second run, and reports a bad file without stopping', async () => {
    env = await makeTestDeps();
    const { deps } = env;
    const ids: string[] = [];
    for (let seed = 1; seed <= 4; seed++) {
      const r = await ingestBuffer(deps, await makeImage({ seed }), { name: `${seed}.jpg` });
      ids.push(r.asset.id);
    }
    // As if ingested before embeddings existed; and one original is gone from disk.
    for (const id of ids) await deps.embeddings.remove(id);
    const broken = await deps.assets.get(ids[1]!);
    const key = broken.blobKey;
    await rm(path.join(deps.config.blobDir, key.slice(0, 2), key.slice(2, 4), key), {
      force: true,
    });

    const seen: number[] = [];
    const first = await enrich(deps, { onProgress: (done) => seen.push(done) });
    expect(first).toMatchObject({ total: 4, computed: 3, current: 0 });
    expect(first.failed).toEqual([{ id: ids[1], reason: expect.any(String) }]);
    expect(seen.at(-1)).toBe(4);
    expect((await deps.embeddings.get(ids[0]!, BUILTIN_PROVIDER))?.model).toBe(BUILTIN_MODEL);

    const second = await enrich(deps, { ids: [ids[0]!, ids[2]!] });
    expect(second).toMatchObject({ total: 2, computed: 0, current: 2, failed: [] });
    const forced = await enrich(deps, { ids: [ids[0]!], force: true });
    expect(forced).toMatchObject({ computed: 1, current: 0 });
  });
});
