// Shared test helpers: a fresh mem:// store and temp data folder per test, real sharp images.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { type Env, testConfig } from '../core/config.ts';
import { createDeps, type Deps } from '../core/deps.ts';
import type { NewAsset } from '../store/models.ts';
import type { AnyTool } from '../tools/define-tool.ts';

export interface TestEnv {
  deps: Deps;
  dir: string;
  cleanup(): Promise<void>;
}

export async function makeTestDeps(
  overrides: Env = {},
  opts: { tools?: readonly AnyTool[] } = {},
): Promise<TestEnv> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'curator-test-'));
  // A unique database per test keeps mem:// instances apart even if the engine shares state.
  const config = testConfig(dir, {
    SURREAL_DATABASE: `t${Math.random().toString(36).slice(2)}`,
    ...overrides,
  });
  const deps = await createDeps(config, opts);
  return {
    deps,
    dir,
    cleanup: async () => {
      await deps.close().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A real image: a gradient-ish block with some noise so hashes and palettes differ per seed. */
export async function makeImage(
  opts: {
    width?: number;
    height?: number;
    format?: 'jpeg' | 'png' | 'webp';
    seed?: number;
    color?: string;
  } = {},
): Promise<Buffer> {
  const { width = 320, height = 200, format = 'jpeg', seed = 1 } = opts;
  const color =
    opts.color ?? `#${((seed * 2654435761) >>> 8).toString(16).padStart(6, '0').slice(0, 6)}`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="${color}"/>
    <circle cx="${(seed * 37) % width}" cy="${(seed * 53) % height}" r="${Math.min(width, height) / 4}" fill="#ffffff"/>
    <rect x="${(seed * 11) % width}" y="10" width="${width / 5}" height="${height / 3}" fill="#102030"/>
  </svg>`;
  return sharp(Buffer.from(svg)).toFormat(format).toBuffer();
}

/** A new asset's fields with fake blob keys, for tests that never read the files. */
export function assetInput(
  key: string,
  overrides: Partial<NewAsset> & { createdAt?: Date } = {},
): NewAsset & { createdAt?: Date } {
  return {
    contentHash: `test-${key}`,
    originalName: `${key}.jpg`,
    mime: 'image/jpeg',
    width: 100,
    height: 100,
    bytes: 1,
    blobKey: `test/${key}`,
    title: `Asset ${key}`,
    description: '',
    keywords: [],
    palette: [],
    ...overrides,
  };
}

/** Assets with real PNG originals and WebP thumbnails in the blob store, for tests that serve files. */
export async function seedImageAssets(deps: Deps, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const blob = await deps.blobs.put(await makeImage({ seed: i + 1, format: 'png' }));
    const thumb = await deps.blobs.put(
      await makeImage({ seed: i + 1, format: 'webp', width: 64, height: 40 }),
    );
    const a = await deps.assets.create({
      contentHash: blob.key,
      originalName: `creative-${i}.png`,
      mime: 'image/png',
      width: 320,
      height: 200,
      bytes: blob.bytes,
      blobKey: blob.key,
      thumbKey: thumb.key,
      title: `Creative ${i}`,
      description: '',
      keywords: [],
      palette: [],
    });
    ids.push(a.id);
  }
  return ids;
}

/** Awaits a promise that must fail with AppError code 'rejected'; returns the human reason. */
export async function rejectionReason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if ((e as { code?: string }).code !== 'rejected') throw e;
    return (e as Error).message;
  }
  throw new Error('expected a rejection');
}

/** How many rendition assets the store holds (the rendition tests' "made once" checks). */
export async function countRenditions(e: TestEnv): Promise<number> {
  const [rows] = await e.deps.db.query<[{ n: number }[]]>(
    "SELECT count() AS n FROM asset WHERE kind = 'rendition' GROUP ALL",
  );
  return rows[0]?.n ?? 0;
}
