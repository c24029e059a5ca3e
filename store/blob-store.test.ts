import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FsBlobStore, sha256 } from './blob-store.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function store() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'curator-blobs-'));
  dirs.push(dir);
  return { dir, blobs: new FsBlobStore(dir) };
}

describe('FsBlobStore', () => {
  it('stores content-addressed under a sha256 path, once, with no temp files left', async () => {
    const { dir, blobs } = await store();
    const data = Buffer.from('hello blob');
    const [a, b] = await Promise.all([blobs.put(data), blobs.put(data)]);
    expect(a.key).toBe(sha256(data));
    expect(b.key).toBe(a.key);
    expect((await blobs.get(a.key)).toString()).toBe('hello blob');
    const leaf = path.join(dir, a.key.slice(0, 2), a.key.slice(2, 4));
    expect(await readdir(leaf)).toEqual([a.key]);
  });

  it('rejects keys that are not sha256 hex, so a key can never escape the folder', async () => {
    const { blobs } = await store();
    await expect(blobs.get('../../etc/passwd')).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(blobs.get('a'.repeat(64))).rejects.toMatchObject({ code: 'not_found' });
    expect(await blobs.has('a'.repeat(64))).toBe(false);
  });
});
