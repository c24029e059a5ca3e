// Listing assets by description: resolve the names, ask the listing index, and fit the page to a
// budget when a model reads it (the REST API asks for no budget and gets the page it asked for).
import type { FileUrls } from '../core/deps.ts';
import type { AssetsRepository } from '../store/assets.repository.ts';
import { cursorAfter } from '../store/listing-index.ts';
import { type AssetSummary, card } from './cards.ts';
import type { NameResolver } from './resolve.ts';
import { resolveSelection, type Selection } from './selection.ts';

export interface AssetList {
  items: AssetSummary[];
  total: number;
  next: string | null;
  /** How the filters were read ("campaign Summer Sale", "all 2 channels matching …"). */
  read: string[];
  /** Set when the page was cut to fit the reader's budget. */
  note?: string;
}

export async function listAssets(
  svc: { assets: AssetsRepository; names: NameResolver; urls: FileUrls },
  input: Selection & { limit: number; cursor?: string },
  opts: { budgetChars?: number } = {},
): Promise<AssetList> {
  const { limit, cursor, ...selection } = input;
  const { filter, read } = await resolveSelection(selection, svc.names);
  const page = await svc.assets.list(filter, { limit, cursor });
  const out: AssetList = {
    items: page.items.map((e) => card(e, svc.urls)),
    total: page.total,
    next: page.next,
    read,
  };
  const budget = opts.budgetChars;
  if (budget === undefined || JSON.stringify(out).length <= budget) return out;
  // The most items that fit, room left for the note; the next page starts after the last.
  let size = JSON.stringify({ ...out, items: [] }).length + 200;
  let keep = 0;
  for (const item of out.items) {
    size += JSON.stringify(item).length + 1;
    if (size > budget) break;
    keep++;
  }
  keep = Math.max(1, keep);
  const last = page.items[keep - 1]!;
  return {
    ...out,
    items: out.items.slice(0, keep),
    next: cursorAfter(last),
    note: `showing ${keep} of the ${limit} asked for, to keep the answer small; pass next as cursor for the rest`,
  };
}
