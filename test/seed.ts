// Test support: assets inserted straight through the repository, with fake blob keys (agent tests
// never read the files).
import type { Deps } from '../core/deps.ts';
import type { Asset, AssetStatus } from '../store/models.ts';

export async function seedAssets(
  deps: Deps,
  specs: { title: string; status?: AssetStatus; description?: string; keywords?: string[] }[],
): Promise<Asset[]> {
  const out: Asset[] = [];
  for (const [i, s] of specs.entries()) {
    out.push(
      await deps.assets.create({
        contentHash: `hash-${i}-${s.title}`,
        originalName: `${s.title.toLowerCase().replace(/\W+/g, '-')}.jpg`,
        mime: 'image/jpeg',
        width: 1200,
        height: 800,
        bytes: 120_000,
        blobKey: `test/${i}.jpg`,
        title: s.title,
        description: s.description ?? '',
        keywords: s.keywords ?? [],
        palette: [],
        status: s.status,
      }),
    );
  }
  return out;
}
