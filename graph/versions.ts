// A new version of an asset, as every surface asks for it (the update-asset-version tool, `curator
// ingest --replace`, PUT /api/assets/:id/file): the file becomes the asset's next version, and the
// ripple of what derives from it is planned and stored. It runs now when it may (small, no live
// placement, or a person approved the plan) and waits for approval otherwise.
import type { Services } from '../core/deps.ts';
import { ingestVersion } from '../ingest/ingest.ts';
import { parseKey } from '../store/ids.ts';
import type { Asset } from '../store/models.ts';
import type { RippleRecord } from '../store/ripples.repository.ts';

export interface NewVersion {
  status: 'versioned' | 'unchanged';
  asset: Asset;
  previous: number;
  /** The ripple of what derives from it; none when nothing does or the file was the same. */
  ripple?: RippleRecord;
}

export async function replaceAssetFile(
  deps: Services,
  assetId: string,
  data: Buffer,
  o: {
    name?: string;
    note?: string;
    by: string;
    /** The person who approved the change and its ripple plan, when one did. */
    approvedBy?: string;
    /** Refuse if the asset is no longer at this version (someone else changed it). */
    expectVersion?: number;
    /** How long to wait for the ripple before answering with its progress (ms). */
    waitMs?: number;
  },
): Promise<NewVersion> {
  const id = parseKey('asset', assetId);
  const v = await ingestVersion(deps, id, data, {
    name: o.name,
    note: o.note,
    by: o.by,
    expectVersion: o.expectVersion,
  });
  if (v.status === 'unchanged') return v;
  const planned = await deps.ripples.create(id, {
    fromVersion: v.previous,
    by: o.by,
    approvedBy: o.approvedBy,
  });
  if (!planned) return v;
  if (planned.state !== 'running') return { ...v, ripple: planned };
  const run = deps.ripples.run(planned.id);
  // Renditions keep being made after the answer; ripple-status follows them.
  run.catch((err) => deps.log.error({ err, ripple: planned.id }, 'ripple failed'));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((r) => {
    timer = setTimeout(() => r(null), o.waitMs ?? 25_000);
  });
  const done = await Promise.race([run.catch(() => null), late]);
  clearTimeout(timer);
  return { ...v, ripple: done ?? (await deps.ripples.get(planned.id)) };
}
