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
  // Shrink to the most items that fit, leaving room for the note, and continue after the last.
  let keep = out.items.length;
  const sized = (n: number) =>
    JSON.stringify({ ...out, items: out.items.slice(0, n) }).length + 200;
  while (keep > 1 && sized(keep) > budget) keep = Math.max(1, Math.floor(keep * 0.8));
  while (keep + 1 < out.items.length && sized(keep + 1) <= budget) keep++;
  const last = page.items[keep - 1]!;
  return {
    ...out,
    items: out.items.slice(0, keep),
    next: cursorAfter(last),
    note: `showing ${keep} of the ${limit} asked for, to keep the answer small; pass next as cursor for the rest`,
  };
}
