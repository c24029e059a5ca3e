// A picture of an asset's lineage: the asset in the middle, what it was made from above, what was
// made from it below, each node with its thumbnail, title and kind, each edge labelled with how
// (derived for a spec, localized to a locale, a variant). SVG, with a PNG twin for Slack; served
// at /charts/lineage.svg?asset=…, so a URL always draws the same question.
import sharp from 'sharp';
import { z } from 'zod';
import type { Services } from '../core/deps.ts';
import { toPng } from '../insights/charts.ts';
import type { LineageStep } from '../store/graph.repository.ts';
import { parseKey } from '../store/ids.ts';
import type { Asset } from '../store/models.ts';

export const LineageQuery = z.object({
  asset: z.string().min(2).max(80),
  direction: z.enum(['both', 'descendants', 'ancestors']).default('both'),
  depth: z.coerce.number().int().min(1).max(10).default(5),
});
export type LineageQuery = z.infer<typeof LineageQuery>;

/** The picture's path under /charts/, its whole question in the query. */
export function lineagePath(q: LineageQuery, format: 'svg' | 'png'): string {
  const p = new URLSearchParams({ asset: q.asset, direction: q.direction, depth: String(q.depth) });
  return `lineage.${format}?${p}`;
}

/** Nodes drawn per level; the rest are counted on a "+N more" node. */
const PER_LEVEL = 10;
const W = 168;
const H = 118;
const GAP_X = 18;
const GAP_Y = 64;
const THUMB = 60;

const esc = (s: string) =>
  s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

const EDGE_COLOUR: Record<string, string> = {
  derived_from: '#2f6fb0',
  localized_from: '#b0702f',
  variant_of: '#6f4fb0',
};

function edgeLabel(s: LineageStep): string {
  const r = s.recipe as { spec?: { id?: string }; locale?: string } | undefined;
  if (s.edge === 'localized_from') return `localized · ${s.locale ?? r?.locale ?? ''}`.trim();
  if (s.edge === 'variant_of') return 'variant';
  return `derived${r?.spec?.id ? ` · ${r.spec.id}` : ''}`;
}

async function thumbnail(deps: Services, a: Asset): Promise<string | null> {
  try {
    const data = await deps.blobs.get(a.thumbKey ?? a.blobKey);
    const jpg = await sharp(data, { limitInputPixels: deps.config.limits.maxPixels })
      .resize(THUMB, THUMB, { fit: 'cover' })
      .jpeg({ quality: 70 })
      .toBuffer();
    return `data:image/jpeg;base64,${jpg.toString('base64')}`;
  } catch {
    return null;
  }
}

export async function lineagePicture(
  deps: Services,
  q: LineageQuery,
): Promise<{ svg: string; png(): Promise<Buffer>; nodes: number; shown: number }> {
  const id = parseKey('asset', q.asset);
  const root = await deps.assets.get(id);
  const want = (d: 'descendants' | 'ancestors') => q.direction === 'both' || q.direction === d;
  const [down, up] = await Promise.all([
    want('descendants') ? deps.graph.walk(id, 'down', q.depth) : { steps: [] },
    want('ancestors') ? deps.graph.walk(id, 'up', q.depth) : { steps: [] },
  ]);
  // Levels: ancestors above (negative), the asset at 0, descendants below.
  const levels = new Map<number, { step?: LineageStep; id: string }[]>([[0, [{ id }]]]);
  for (const s of up.steps)
    levels.set(-s.depth, [...(levels.get(-s.depth) ?? []), { step: s, id: s.id }]);
  for (const s of down.steps)
    levels.set(s.depth, [...(levels.get(s.depth) ?? []), { step: s, id: s.id }]);
  const order = [...levels.keys()].sort((a, b) => a - b);
  const drawn = new Map<number, { step?: LineageStep; id: string }[]>();
  for (const l of order) drawn.set(l, levels.get(l)!.slice(0, PER_LEVEL));
  const ids = [...drawn.values()].flat().map((n) => n.id);
  const assets = new Map((await deps.assets.byIds(ids)).map((a) => [a.id, a] as const));
  assets.set(root.id, root);
  const thumbs = new Map(
    await Promise.all(
      ids.map(
        async (i) => [i, assets.has(i) ? await thumbnail(deps, assets.get(i)!) : null] as const,
      ),
    ),
  );
  const widest = Math.max(
    ...order.map((l) => drawn.get(l)!.length + (levels.get(l)!.length > PER_LEVEL ? 1 : 0)),
  );
  const total = down.steps.length + up.steps.length;
  const shown = ids.length - 1;
  const title = cut(
    `Lineage of ${root.id} "${root.title}": ${down.steps.length} below, ${up.steps.length} above${shown < total ? ` (${shown} drawn)` : ''}`,
    120,
  );
  // Wide enough for its nodes and for its title (about 8 px a character at 14 px bold).
  const width = Math.max(widest * (W + GAP_X) + GAP_X, 480, title.length * 8 + 32);
  const height = order.length * (H + GAP_Y) + 40;
  const pos = new Map<string, { x: number; y: number }>();
  const nodes: string[] = [];
  const more: string[] = [];
  order.forEach((l, row) => {
    const list = drawn.get(l)!;
    const extra = levels.get(l)!.length - list.length;
    const count = list.length + (extra > 0 ? 1 : 0);
    const x0 = (width - count * (W + GAP_X) + GAP_X) / 2;
    const y = 40 + row * (H + GAP_Y);
    list.forEach((n, i) => {
      const x = x0 + i * (W + GAP_X);
      pos.set(n.id, { x, y });
      const a = assets.get(n.id);
      const t = thumbs.get(n.id);
      const isRoot = n.id === root.id;
      nodes.push(
        `<g><rect x="${x}" y="${y}" width="${W}" height="${H}" rx="8" fill="${isRoot ? '#fff7e0' : '#ffffff'}" stroke="${isRoot ? '#c99a1a' : '#c4c9d0'}" stroke-width="${isRoot ? 2 : 1}"/>` +
          (t
            ? `<image x="${x + (W - THUMB) / 2}" y="${y + 6}" width="${THUMB}" height="${THUMB}" xlink:href="${t}"/>`
            : `<rect x="${x + (W - THUMB) / 2}" y="${y + 6}" width="${THUMB}" height="${THUMB}" fill="#e8eaed"/>`) +
          `<text x="${x + W / 2}" y="${y + THUMB + 22}" font-size="11" text-anchor="middle" fill="#1d2125">${esc(cut(a?.title ?? n.id, 26))}</text>` +
          `<text x="${x + W / 2}" y="${y + THUMB + 37}" font-size="10" text-anchor="middle" fill="#5f6b7a">${esc(`${a?.kind ?? '?'} · ${n.id}`)}</text>` +
          `<text x="${x + W / 2}" y="${y + THUMB + 50}" font-size="9" text-anchor="middle" fill="#5f6b7a">${esc(cut([a?.channel, a?.locale, a?.status].filter(Boolean).join(' · '), 30))}</text></g>`,
      );
    });
    if (extra > 0) {
      const x = x0 + list.length * (W + GAP_X);
      more.push(
        `<g><rect x="${x}" y="${y}" width="${W}" height="${H}" rx="8" fill="#f3f4f6" stroke="#c4c9d0" stroke-dasharray="4 3"/><text x="${x + W / 2}" y="${y + H / 2 + 4}" font-size="13" text-anchor="middle" fill="#5f6b7a">+${extra} more</text></g>`,
      );
    }
  });
  const edges: string[] = [];
  for (const l of order) {
    for (const n of drawn.get(l)!) {
      if (!n.step) continue;
      // Down: the step hangs from its parent above; up: from its child below.
      const child = l > 0 ? pos.get(n.id) : pos.get(n.step.from);
      const parent = l > 0 ? pos.get(n.step.from) : pos.get(n.id);
      if (!child || !parent) continue;
      const x1 = parent.x + W / 2;
      const y1 = parent.y + H;
      const x2 = child.x + W / 2;
      const y2 = child.y;
      const colour = EDGE_COLOUR[n.step.edge] ?? '#888';
      // Near the child, where a parent's edges have spread apart: labels do not overlap there.
      const label = esc(cut(edgeLabel(n.step), 28));
      edges.push(
        `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="${colour}" stroke-width="1.5" marker-end="url(#arrow)"/>` +
          `<text x="${x1 + (x2 - x1) * 0.8}" y="${y1 + (y2 - y1) * 0.8 - 4}" font-size="9" text-anchor="middle" fill="${colour}" paint-order="stroke" stroke="#ffffff" stroke-width="3">${label}</text>`,
      );
    }
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#5f6b7a"/></marker></defs>
<rect width="100%" height="100%" fill="#fafbfc"/>
<text x="16" y="24" font-size="14" font-weight="bold" fill="#1d2125">${esc(title)}</text>
${edges.join('\n')}
${nodes.join('\n')}
${more.join('\n')}
</svg>`;
  return { svg, png: () => toPng(svg), nodes: total + 1, shown: shown + 1 };
}
