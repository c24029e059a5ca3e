// A small lineage for ripple tests: a master with three renditions, a rendition of a rendition, a
// hand-made localized cut (no recipe), and an unrelated master with a rendition of its own.
import type { Deps } from '../core/deps.ts';
import { ingestBuffer } from '../ingest/ingest.ts';
import { makeImage } from './helpers.ts';

export interface RippleFamily {
  master: string;
  /** Every rendition the engine made below the master, the grandchild included. */
  renditions: string[];
  story: string;
  grand: string;
  cut: string;
  untouched: string[];
}

export async function rippleFamily(deps: Deps): Promise<RippleFamily> {
  const put = async (seed: number, name: string, kind: 'master' | 'localized' = 'master') =>
    (
      await ingestBuffer(deps, await makeImage({ width: 1600, height: 1000, seed }), {
        name,
        overrides: { kind, status: 'approved' },
      })
    ).asset;
  const master = await put(1, 'hero.jpg');
  const made = await deps.renditions.request(
    [master.id],
    ['instagram-story', 'web-hero', 'display-mrec'].map((s) => deps.specs.get(s)),
  );
  if (made.some((m) => m.state !== 'done')) throw new Error(`not made: ${JSON.stringify(made)}`);
  const story = made.find((m) => m.spec === 'instagram-story')!.assetId!;
  const hero = made.find((m) => m.spec === 'web-hero')!.assetId!;
  const [grand] = await deps.renditions.request([story], [deps.specs.get('display-skyscraper')]);
  const cut = await put(2, 'hero-de.jpg', 'localized');
  await deps.graph.relate('localized_from', cut.id, hero, { locale: 'de-DE' });
  const other = await put(3, 'other.jpg');
  const [otherRendition] = await deps.renditions.request([other.id], [deps.specs.get('web-hero')]);
  return {
    master: master.id,
    renditions: [...made.map((m) => m.assetId!), grand!.assetId!],
    story,
    grand: grand!.assetId!,
    cut: cut.id,
    untouched: [other.id, otherRendition!.assetId!],
  };
}
