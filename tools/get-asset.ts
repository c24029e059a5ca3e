import { z } from 'zod';
import { AssetSummary, summarize } from '../assets/cards.ts';
import { assetDetail } from '../assets/detail.ts';
import { views } from '../core/views.ts';
import { Composition, PaletteColor, Tag } from '../store/models.ts';
import { AssetIdInput, assetFacts } from './asset-views.ts';
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
  examples: [
    { say: 'show me asset {id}' },
    { say: 'get asset {id}' },
    { say: 'tell me about {id}' },
    { say: 'details on {id}' },
    { say: 'what is {id}' },
    { say: 'check {id}' },
    { say: '{id} and all its renditions' },
    { say: 'show {id} with every rendition made from it' },
    { say: 'children of {id}' },
    { say: 'where did {id} come from' },
    { say: 'parent of {id}' },
    { say: 'where is {id} placed' },
    { say: 'the newest {channel} asset in {campaign} and its placements' },
  ],
  plan: {
    // "The newest Instagram asset in X and its placements": list it first.
    targetsFrom: 'list-assets',
    follow: [
      {
        when: /\b(?:renditions?|children|child|derivatives?|versions|locali[sz]ations?|translations|variants?|cuts?|made from it|family|tree|lineage)\b/i,
        ids: (out) => relatedIds(out, 'children'),
      },
      {
        when: /\b(?:parents?|origin(?:al)?|source|comes? from|came from|derived from|based on|made from(?! it)|ancestors?|family|tree|lineage)\b/i,
        ids: (out) => relatedIds(out, 'parents'),
      },
    ],
  },
  view: (a) =>
    views.detail({
      id: a.id,
      title: a.title,
      thumbnailUrl: a.thumbnailUrl,
      facts: [...assetFacts(a).filter((f) => !f.startsWith('campaign ')), a.mime],
      fields: [
        a.campaigns.length ? { label: 'Campaigns', value: a.campaigns.join(', ') } : undefined,
        { label: 'Version', value: String(a.version) },
        a.palette.length
          ? {
              label: 'Palette',
              value: a.palette
                .slice(0, 5)
                .map((c) => `${c.name} ${c.hex} (${Math.round(c.coverage * 100)}%)`)
                .join(', '),
            }
          : undefined,
        a.keywords.length
          ? { label: 'Keywords', value: a.keywords.slice(0, 15).join(', ') }
          : undefined,
        a.placements.length
          ? {
              label: 'Placements',
              value: a.placements
                .map(
                  (p) =>
                    `${p.id} (campaign ${p.campaign} on ${p.channel}${p.market ? `, ${p.market}` : ''})`,
                )
                .join('; '),
            }
          : undefined,
      ].filter((f): f is { label: string; value: string } => !!f),
      quoted: a.description ? { label: 'Description', text: a.description } : undefined,
      related: [
        ...a.parents.map((p) => ({ ...p, direction: 'up' as const })),
        ...a.children.map((c) => ({ ...c, direction: 'down' as const })),
      ],
    }),
  run: async ({ assetId }, deps) => {
    const { id, asset: a, parents, children, placements } = await assetDetail(deps, assetId);
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

function relatedIds(out: unknown, key: 'children' | 'parents'): string[] {
  const list = (out as Record<string, unknown> | undefined)?.[key];
  return Array.isArray(list)
    ? list.flatMap((r) => (r && typeof r.id === 'string' ? [r.id as string] : []))
    : [];
}
