import { z } from 'zod';
import { AssetSummary, summarize } from '../assets/cards.ts';
import { parseKey } from '../store/ids.ts';
import { Composition, PaletteColor, Tag } from '../store/models.ts';
import { AssetIdInput } from './asset-views.ts';
import { defineTool } from './define-tool.ts';

export const GetAssetResult = AssetSummary.extend({
  originalName: z.string(),
  mime: z.string(),
  bytes: z.number(),
  version: z.number(),
  description: z.string(),
  keywords: z.array(z.string()),
  creator: z.string().optional(),
  copyright: z.string().optional(),
  palette: z.array(PaletteColor.omit({ lab: true })),
  phash: z.string().optional(),
  composition: Composition.optional(),
  tags: z.array(Tag),
  parents: z.array(z.object({ id: z.string(), relation: z.string() })),
  children: z.array(z.object({ id: z.string(), relation: z.string() })),
  placements: z.array(
    z.object({
      id: z.string(),
      campaign: z.string(),
      channel: z.string(),
      market: z.string().optional(),
    }),
  ),
  originalUrl: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const getAsset = defineTool({
  name: 'get-asset',
  title: 'Get asset',
  description:
    'One asset in detail: metadata, palette, composition, tags, direct parents/children in the lineage graph and its placements.',
  annotations: { readOnly: true, idempotent: true },
  input: z.object({ assetId: AssetIdInput }),
  output: GetAssetResult,
  run: async ({ assetId }, deps) => {
    const id = parseKey('asset', assetId);
    const a = await deps.assets.get(id);
    const [{ parents, children }, placements] = await Promise.all([
      deps.graph.neighbours(id),
      deps.catalog.placements({ asset: id }),
    ]);
    return {
      ...summarize(a, deps.urls),
      originalName: a.originalName,
      mime: a.mime,
      bytes: a.bytes,
      version: a.version,
      description: a.description,
      keywords: a.keywords.slice(0, 30),
      creator: a.creator,
      copyright: a.copyright,
      palette: a.palette.map(({ lab: _lab, ...c }) => c),
      phash: a.phash,
      composition: a.composition,
      tags: a.tags.slice(0, 30),
      parents: parents.map((p) => ({ id: p.id, relation: p.edge })),
      children: children.slice(0, 50).map((c) => ({ id: c.id, relation: c.edge })),
      placements: placements
        .slice(0, 30)
        .map((p) => ({ id: p.id, campaign: p.campaign, channel: p.channel, market: p.market })),
      originalUrl: deps.urls.original(id),
      createdAt: a.createdAt,
      updatedAt: a.updatedAt,
    };
  },
});
