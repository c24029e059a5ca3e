import { z } from 'zod';
import { AssetSummary } from '../assets/cards.ts';
import { listAssets as list } from '../assets/list.ts';
import { Selection } from '../assets/selection.ts';
import { views } from '../core/views.ts';
import { gridItem } from './asset-views.ts';
import { defineTool, RESULT_BUDGET_CHARS } from './define-tool.ts';

export const ListAssetsInput = Selection.extend({
  limit: z.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional().describe('the `next` value of a previous page'),
});

export const ListAssetsResult = z.object({
  items: z.array(AssetSummary),
  total: z.number().describe('how many assets match, across all pages'),
  next: z.string().nullable(),
  read: z.array(z.string()).describe('how the filters were read'),
  note: z.string().optional(),
});

export const listAssets = defineTool({
  name: 'list-assets',
  title: 'List assets',
  description:
    'Lists assets newest first, filtered by campaign, channel, status, orientation, kind, locale, colour (CIEDE2000 against the palette) or warmth, with the exact total. Names may be words people use ("the spring campaign", "Instagram" = every Instagram channel, "German"). Paginated: pass `next` back as `cursor`.',
  annotations: { readOnly: true, idempotent: true },
  input: ListAssetsInput,
  output: ListAssetsResult,
  examples: [
    { say: 'list assets' },
    { say: 'show me the {campaign} assets' },
    { say: 'top {count} {channel} assets in {campaign}' },
    { say: 'which assets are approved' },
    { say: 'which assets are waiting for review' },
    { say: 'how many drafts are there' },
    { say: 'find {colour} images' },
    { say: 'the {locale} versions of our assets' },
    { say: 'do we have portrait images for {channel}' },
    { say: 'what is in the archive' },
    { say: 'the latest {count} assets' },
    { say: 'assets uploaded {date}' },
    { say: 'which masters are still drafts' },
    { say: 'any square images for {campaign}' },
    { say: 'warm-coloured visuals' },
    { say: 'walk me through every asset in {campaign} in detail' },
    { say: '{channel} renditions from {campaign}' },
    { say: 'count assets with status draft' },
  ],
  view: (out) =>
    views.grid({
      items: out.items.map(gridItem),
      total: out.total,
      read: out.read,
      next: out.next,
      note: out.note,
    }),
  // Leave room for the envelope the surfaces add around the result.
  run: (input, deps) => list(deps, input, { budgetChars: RESULT_BUDGET_CHARS - 2_000 }),
});
