import { z } from 'zod';
import { AssetSummary } from '../assets/cards.ts';
import { Selection } from '../assets/selection.ts';
import { views } from '../core/views.ts';
import { searchAssets as search } from '../search/hybrid.ts';
import { AssetIdInput, gridItem } from './asset-views.ts';
import { defineTool } from './define-tool.ts';

export const SearchAssetsResult = z.object({
  query: z.object({
    text: z.string().optional(),
    terms: z.array(z.string()),
    likeAssetId: z.string().optional(),
    textContains: z.string().optional(),
  }),
  read: z.array(z.string()),
  items: z.array(
    AssetSummary.extend({
      score: z.number().describe('relative to the best result, 0..1'),
      parts: z.record(z.string(), z.number()).describe('text (BM25, relative), vector (cosine)'),
      matched: z.array(z.string()).describe('the query words the asset holds'),
    }),
  ),
  total: z.number(),
  belowCutoff: z.number(),
  cutoff: z.object({ share: z.number(), explanation: z.string() }),
  notSearched: z.string(),
});

export const searchAssets = defineTool({
  name: 'search-assets',
  title: 'Search assets',
  description:
    'Finds assets by what they say and show: full-text search (BM25) over title, keywords, tags, description and the text read in the image (OCR), optionally fused with "looks like" an asset (kNN, reciprocal rank fusion), within every list filter (campaign, channel, status, kind, locale, colour, warmth) and "text contains". Each result shows its score and its parts; the cut-off adapts to the query and the result says how many fell below it.',
  annotations: { readOnly: true, idempotent: true },
  input: Selection.extend({
    query: z.string().trim().max(300).optional().describe('words to search for'),
    likeAssetId: AssetIdInput.optional().describe('rank by looking like this asset too'),
    textContains: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe('a phrase the text must hold'),
    hasPeople: z.boolean().optional().describe('true: with people in the picture; false: without'),
    expression: z
      .enum(['happy', 'neutral', 'sad', 'angry', 'surprise', 'fear', 'disgust'])
      .optional()
      .meta({
        aliases: { happy: ['smiling', 'smile', 'smiles', 'cheerful'], surprise: ['surprised'] },
      })
      .describe('a face with this expression'),
    limit: z.number().int().min(1).max(50).default(10),
  }),
  output: SearchAssetsResult,
  examples: [
    { say: 'search for {text}', input: { query: '{text}' } },
    { say: 'search {campaign} for {text}', input: { query: '{text}' } },
    { say: 'assets about {text}', input: { query: '{text}' } },
    { say: 'find photos with people or faces in them', input: { hasPeople: true } },
    { say: 'pictures of smiling happy faces', input: { expression: 'happy' } },
    { say: 'which creatives mention {text}', input: { query: '{text}' } },
    { say: 'find images with {text}', input: { query: '{text}' } },
    // Words with a colour: the words are what to find, the colour a filter on it.
    { say: '{colour} {text} images', input: { query: '{text}' } },
    { say: '{text} on a {colour} background', input: { query: '{text}' } },
  ],
  view: (out) =>
    views.grid({
      title: `${out.total} result${out.total === 1 ? '' : 's'} for ${out.query.text ? `"${out.query.text}"` : out.query.likeAssetId ? `assets like ${out.query.likeAssetId}` : out.query.textContains ? `text containing "${out.query.textContains}"` : out.read.join(', ')}`,
      items: out.items.map((i) => ({ ...gridItem(i), score: i.score, scoreParts: i.parts })),
      total: out.total,
      read: out.read,
      note: `${out.cutoff.explanation}; ${out.belowCutoff} more fell below it. Not searched: ${out.notSearched}`,
    }),
  run: (input, deps) => {
    const { query, likeAssetId, textContains, hasPeople, expression, limit, ...selection } = input;
    return search(deps, {
      query,
      likeAssetId,
      textContains,
      hasPeople,
      expression,
      selection,
      limit,
    });
  },
});
