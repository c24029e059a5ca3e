import { z } from 'zod';
import { views } from '../core/views.ts';
import { lineagePath } from '../graph/picture.ts';
import { parseKey } from '../store/ids.ts';
import { AssetKind, AssetStatus } from '../store/models.ts';
import { AssetIdInput } from './asset-views.ts';
import { defineTool } from './define-tool.ts';

const Node = z.object({
  id: z.string(),
  title: z.string(),
  kind: AssetKind,
  status: AssetStatus,
  channel: z.string().optional(),
  locale: z.string().optional(),
  depth: z.number().describe('levels from the asset asked about'),
  edge: z.enum(['derived_from', 'localized_from', 'variant_of']),
  from: z.string().describe('the asset it hangs from in the tree'),
  made: z.string().optional().describe('the recipe that made it, in words'),
  recipeHash: z.string().optional().describe("the recipe's identity (rendition-status takes it)"),
});
type Node = z.infer<typeof Node>;

const SHOWN = 60;

/** A recipe in a few words: "instagram-story, smart-crop, jpeg q86" or "relayout … de-DE". */
function recipeWords(recipe: unknown, locale?: string): string | undefined {
  if (!recipe || typeof recipe !== 'object') return locale ? `locale ${locale}` : undefined;
  const r = recipe as Record<string, unknown> & { spec?: { id?: string } };
  if (r.kind === 'relayout') {
    return `${r.template} re-layout for ${r.spec?.id ?? '?'}, ${String(r.locale ?? locale ?? '')}`.trim();
  }
  const spec = r.spec?.id ?? r.channel;
  const parts = [
    spec,
    r.fit ?? r.method,
    r.format && `${r.format}${r.quality ? ` q${r.quality}` : ''}`,
  ];
  return parts.filter(Boolean).join(', ') || undefined;
}

export const traceLineage = defineTool({
  name: 'trace-lineage',
  title: 'Trace lineage',
  description:
    "An asset's family tree, all the way down and up: what was made from it (renditions, localized cuts, variants, and what was made from those) and what it was made from, to a depth, each with the edge and the recipe that made it. Counts come first; up to 60 assets are listed per direction.",
  annotations: { readOnly: true, idempotent: true },
  input: z.object({
    assetId: AssetIdInput,
    direction: z
      .enum(['descendants', 'ancestors', 'both'])
      .default('both')
      .describe('descendants: what was made from it; ancestors: what it was made from'),
    depth: z.number().int().min(1).max(10).default(5).describe('levels to follow'),
    as: z
      .enum(['table', 'picture'])
      .default('table')
      .describe('picture: the answer is the lineage drawn, thumbnails on the nodes'),
  }),
  output: z.object({
    root: z.object({ id: z.string(), title: z.string(), kind: AssetKind, status: AssetStatus }),
    descendants: z.array(Node).describe(`the first ${SHOWN}, level by level`),
    ancestors: z.array(Node).describe(`the first ${SHOWN}, level by level`),
    counts: z.object({
      descendants: z.number(),
      ancestors: z.number(),
      byKind: z.record(z.string(), z.number()).describe('descendants by kind'),
    }),
    truncated: z.boolean().describe('the walk stopped at 5000 assets'),
    picture: z
      .object({ url: z.string(), pngUrl: z.string() })
      .describe('the lineage drawn, thumbnails on the nodes (SVG, and PNG for Slack)'),
    as: z.enum(['table', 'picture']),
  }),
  examples: [
    { say: 'trace the lineage of {id}' },
    { say: 'lineage of {id}' },
    { say: 'the family tree of {id}' },
    { say: 'all descendants of {id}', input: { direction: 'descendants' } },
    { say: 'full ancestry of {id} up to the master', input: { direction: 'ancestors' } },
    { say: 'trace {id} back to its master', input: { direction: 'ancestors' } },
    { say: 'a diagram of the lineage of {id}', input: { as: 'picture' } },
    { say: 'a picture of the lineage of {id}', input: { as: 'picture' } },
    { say: 'show the lineage of {id} as a diagram', input: { as: 'picture' } },
  ],
  view: (out) => {
    const kinds = Object.entries(out.counts.byKind)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ');
    const summary = `Lineage of ${out.root.id} "${out.root.title}": ${out.counts.descendants} descendant${out.counts.descendants === 1 ? '' : 's'}${kinds ? ` (${kinds})` : ''}, ${out.counts.ancestors} ancestor${out.counts.ancestors === 1 ? '' : 's'}`;
    if (out.as === 'picture') {
      return views.picture({
        url: out.picture.pngUrl,
        alt: summary,
        caption: `${summary} (SVG: ${out.picture.url})`,
      });
    }
    const row = (dir: string) => (n: Node) => [
      `${dir}${n.depth}`,
      `${'· '.repeat(n.depth - 1)}${n.id}`,
      n.title,
      n.kind,
      n.edge.replace('_', ' '),
      n.made ?? '–',
      n.status,
    ];
    return views.table({
      title: summary,
      columns: ['level', 'asset', 'title', 'kind', 'edge', 'made by', 'status'],
      rows: [...out.ancestors.map(row('↑')), ...out.descendants.map(row('↓'))],
      total: out.counts.descendants + out.counts.ancestors,
      note: `As a picture: ${out.picture.url}`,
    });
  },
  run: async (input, deps) => {
    const id = parseKey('asset', input.assetId);
    const root = await deps.assets.get(id);
    const q = { asset: id, direction: input.direction, depth: input.depth };
    const want = (d: 'descendants' | 'ancestors') =>
      input.direction === 'both' || input.direction === d;
    const [down, up] = await Promise.all([
      want('descendants')
        ? deps.graph.walk(id, 'down', input.depth)
        : { steps: [], truncated: false },
      want('ancestors') ? deps.graph.walk(id, 'up', input.depth) : { steps: [], truncated: false },
    ]);
    // Every descendant's record, in batches (its kind counts), and the ancestors listed.
    const wanted = [...down.steps, ...up.steps.slice(0, SHOWN)].map((s) => s.id);
    const assets = new Map<string, Awaited<ReturnType<typeof deps.assets.get>>>();
    for (let i = 0; i < wanted.length; i += 500) {
      for (const a of await deps.assets.byIds(wanted.slice(i, i + 500))) assets.set(a.id, a);
    }
    const byKind: Record<string, number> = {};
    for (const s of down.steps) {
      const k = assets.get(s.id)?.kind;
      if (k) byKind[k] = (byKind[k] ?? 0) + 1;
    }
    const node = (s: (typeof down.steps)[number]): Node[] => {
      const a = assets.get(s.id);
      if (!a) return [];
      return [
        {
          id: a.id,
          title: a.title,
          kind: a.kind,
          status: a.status,
          channel: a.channel,
          locale: a.locale,
          depth: s.depth,
          edge: s.edge,
          from: s.from,
          made: recipeWords(s.recipe, s.locale),
          ...(s.recipeHash ? { recipeHash: s.recipeHash } : {}),
        },
      ];
    };
    return {
      root: { id: root.id, title: root.title, kind: root.kind, status: root.status },
      descendants: down.steps.slice(0, SHOWN).flatMap(node),
      ancestors: up.steps.slice(0, SHOWN).flatMap(node),
      counts: { descendants: down.steps.length, ancestors: up.steps.length, byKind },
      truncated: down.truncated || up.truncated,
      picture: {
        url: deps.urls.chart(lineagePath(q, 'svg')),
        pngUrl: deps.urls.chart(lineagePath(q, 'png')),
      },
      as: input.as,
    };
  },
});
