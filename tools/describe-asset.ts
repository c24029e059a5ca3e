import { z } from 'zod';
import type { Services } from '../core/deps.ts';
import { views } from '../core/views.ts';
import { parseKey } from '../store/ids.ts';
import { Tag } from '../store/models.ts';
import { CLIP_PROVIDER } from '../vision/clip.ts';
import { BUILTIN_PROVIDER } from '../vision/descriptor.ts';
import { AssetIdInput } from './asset-views.ts';
import { defineTool } from './define-tool.ts';

/** What the semantic layer does not extract yet, said rather than left out. */
const NOT_YET: string[] = [];

export const DescribeAssetResult = z.object({
  id: z.string(),
  title: z.string(),
  version: z.number(),
  tags: z
    .array(Tag.extend({ facet: z.string().optional() }))
    .describe('every tag with its source and confidence (CLIP tags name their facet)'),
  palette: z.array(z.object({ name: z.string(), hex: z.string(), coverage: z.number() })),
  composition: z
    .object({
      orientation: z.string(),
      brightness: z.number(),
      contrast: z.number(),
      colourfulness: z.number(),
      warmth: z.number(),
    })
    .optional(),
  phash: z.string().optional(),
  ocr: z
    .object({
      model: z.string(),
      current: z.boolean(),
      lines: z.array(z.object({ text: z.string(), confidence: z.number(), fontPx: z.number() })),
    })
    .optional()
    .describe('text read in the image; absent until `curator enrich --step ocr` ran'),
  logo: z
    .object({
      found: z.boolean(),
      score: z.number(),
      zone: z.string().optional(),
      widthPct: z.number().optional(),
      model: z.string(),
    })
    .optional()
    .describe("the brand's logo; absent until `curator enrich --step logo` ran"),
  people: z
    .object({
      people: z.number(),
      faces: z.array(z.object({ score: z.number(), expression: z.string().optional() })),
      model: z.string(),
    })
    .optional()
    .describe('people and faces; absent until the people step ran (never age or gender)'),
  caption: z
    .object({
      caption: z.string(),
      objects: z.array(z.string()),
      setting: z.string(),
      mood: z.string(),
      model: z.string(),
      current: z.boolean(),
    })
    .optional()
    .describe('a vision model’s caption; absent unless `curator enrich --step caption` ran'),
  embeddings: z.array(
    z.object({
      provider: z.string(),
      model: z.string(),
      dims: z.number(),
      current: z.boolean().describe('made from this version of the asset'),
    }),
  ),
  notExtracted: z.array(z.string()),
});

async function describe(deps: Services, assetId: string) {
  const id = parseKey('asset', assetId);
  const a = await deps.assets.get(id);
  const rows = (
    await Promise.all([
      deps.embeddings.get(id, BUILTIN_PROVIDER),
      deps.embeddings.get(id, CLIP_PROVIDER),
    ])
  ).flatMap((r) => (r ? [r] : []));
  return {
    id,
    title: a.title || a.originalName,
    version: a.version,
    tags: [
      ...a.tags,
      ...(a.clip?.tags ?? []).map((t) => ({
        name: t.name,
        source: 'clip' as const,
        confidence: t.confidence,
        facet: t.facet,
      })),
    ],
    palette: a.palette.map((c) => ({ name: c.name, hex: c.hex, coverage: c.coverage })),
    composition: a.composition && {
      orientation: a.composition.orientation,
      brightness: a.composition.brightness,
      contrast: a.composition.contrast,
      colourfulness: a.composition.colourfulness,
      warmth: a.composition.warmth,
    },
    phash: a.phash,
    ocr: a.ocr && {
      model: a.ocr.model,
      current: a.ocr.assetVersion === a.version,
      lines: a.ocr.lines.map((l) => ({
        text: l.text,
        confidence: l.confidence,
        fontPx: l.fontPx,
      })),
    },
    logo: a.logo && {
      found: a.logo.found,
      score: a.logo.score,
      zone: a.logo.zone,
      widthPct: a.logo.widthPct,
      model: a.logo.model,
    },
    people: a.people && {
      people: a.people.people,
      faces: a.people.faces.map((f) => ({ score: f.score, expression: f.expression })),
      model: a.people.model,
    },
    caption: a.caption && {
      caption: a.caption.caption,
      objects: a.caption.objects,
      setting: a.caption.setting,
      mood: a.caption.mood,
      model: a.caption.model,
      current: a.caption.assetVersion === a.version,
    },
    embeddings: rows.map((e) => ({
      provider: e.provider,
      model: e.model,
      dims: e.vector.length,
      current: e.assetVersion === a.version,
    })),
    notExtracted: [
      ...(a.ocr ? [] : ['text in the image (OCR): not read yet']),
      ...(a.logo ? [] : ["the brand's logo: not looked for yet"]),
      ...(a.people ? [] : ['people, faces and expressions: not looked for yet']),
      ...(a.clip ? [] : ['CLIP embedding and zero-shot tags: not computed (needs a CLIP model)']),
      ...NOT_YET,
    ],
  };
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

export const describeAsset = defineTool({
  name: 'describe-asset',
  title: 'Describe an asset',
  description:
    'Everything the semantic layer knows about one asset, each with its source and confidence: tags (metadata, palette, vision…), palette coverage, composition (brightness, contrast, colourfulness, warmth), perceptual hash and embeddings (provider, model, whether current); and what is not extracted yet.',
  annotations: { readOnly: true, idempotent: true },
  input: z.object({ assetId: AssetIdInput }),
  output: DescribeAssetResult,
  examples: [
    { say: 'what tags does {id} have' },
    { say: 'what has the vision analysis found in {id}' },
    { say: 'the analysis of {id} with sources and confidence' },
    { say: 'semantic layer of {id}' },
  ],
  view: (out) =>
    views.table({
      title: `What Curator knows about ${out.id} "${out.title}" (version ${out.version})`,
      columns: ['what', 'value', 'source', 'confidence'],
      rows: [
        ...out.tags.map((t) => ['tag', t.name, t.source, t.confidence]),
        ...out.palette.map((c) => ['colour', `${c.name} ${c.hex}`, 'palette', pct(c.coverage)]),
        ...(out.composition
          ? Object.entries(out.composition).map(([k, v]) => [
              k,
              typeof v === 'number' ? Math.round(v * 100) / 100 : v,
              'composition',
              null,
            ])
          : []),
        ...(out.phash ? [['perceptual hash', out.phash, 'pixels', null]] : []),
        ...(out.ocr?.lines ?? []).map((l) => [
          `text in the image (~${l.fontPx} px)`,
          l.text,
          `ocr: ${out.ocr!.model}`,
          l.confidence,
        ]),
        ...(out.logo
          ? [
              [
                "the brand's logo",
                out.logo.found
                  ? `${out.logo.zone}, ${out.logo.widthPct}% of the width`
                  : 'not found',
                `logo: ${out.logo.model}`,
                out.logo.score,
              ],
            ]
          : []),
        ...(out.people
          ? [
              [
                'people',
                `${out.people.people} (${out.people.faces.length} face${out.people.faces.length === 1 ? '' : 's'}${out.people.faces.some((f) => f.expression) ? `: ${out.people.faces.flatMap((f) => (f.expression ? [f.expression] : [])).join(', ')}` : ''})`,
                `people: ${out.people.model}`,
                null,
              ],
            ]
          : []),
        ...out.embeddings.map((e) => [
          'embedding',
          `${e.dims}-d${e.current ? '' : ' (stale: an older version)'}`,
          `${e.provider}: ${e.model}`,
          null,
        ]),
        ...out.notExtracted.map((n) => ['not extracted yet', n, '–', null]),
      ] as (string | number | null)[][],
    }),
  run: ({ assetId }, deps) => describe(deps, assetId),
});
