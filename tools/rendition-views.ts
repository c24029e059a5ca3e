// What request-renditions and rendition-status return and show: one row per recipe, and a grid of
// the outputs with how each was fitted.
import { z } from 'zod';
import type { Services } from '../core/deps.ts';
import { type View, views } from '../core/views.ts';
import type { RenditionItem as Item } from '../renditions/service.ts';
import { OutputFormat } from '../renditions/specs.ts';

export const RenditionItem = z.object({
  hash: z.string().describe('the recipe hash: ask rendition-status about it'),
  sourceId: z.string(),
  spec: z.string(),
  state: z.enum(['done', 'queued', 'running', 'failed']),
  assetId: z.string().optional().describe('the rendition asset, once recorded'),
  width: z.number().optional(),
  height: z.number().optional(),
  bytes: z.number().optional(),
  format: OutputFormat.optional(),
  explanation: z.string().optional().describe('how it was fitted, and the encoding'),
  progress: z.number().optional(),
  error: z.string().optional(),
  reused: z.boolean().optional().describe('already made by the same recipe: not made again'),
  thumbnailUrl: z.string().optional(),
  url: z.string().optional().describe('the rendition file'),
});

/** The items a result lists in full; the counts cover every one. */
export const SHOWN = 30;

export const RenditionsResult = z.object({
  items: z.array(RenditionItem).describe(`the first ${SHOWN}; the counts cover all`),
  total: z.number(),
  done: z.number(),
  pending: z.number(),
  failed: z.number(),
  /** bullmq (REDIS_URL, workers) or in-process. */
  mode: z.string(),
  approvalId: z.string().optional(),
});
export type RenditionsResult = z.infer<typeof RenditionsResult>;

export function withUrls(deps: Services, items: Item[], mode: string): RenditionsResult {
  const out = items.map((i) => ({
    ...i,
    ...(i.assetId
      ? { thumbnailUrl: deps.urls.thumbnail(i.assetId), url: deps.urls.original(i.assetId) }
      : {}),
  }));
  const count = (s: Item['state'][]) => items.filter((i) => s.includes(i.state)).length;
  // Failures first, then what is still running, so a long request shows what needs attention.
  const order = { failed: 0, running: 1, queued: 2, done: 3 } as const;
  const shown = [...out].sort((a, b) => order[a.state] - order[b.state]).slice(0, SHOWN);
  return {
    items: shown,
    total: items.length,
    done: count(['done']),
    pending: count(['queued', 'running']),
    failed: count(['failed']),
    mode,
  };
}

const kb = (n?: number) => (n === undefined ? '' : `${Math.max(1, Math.round(n / 1024))} KB`);

export function renditionsView(out: RenditionsResult, title: string): View {
  const parts = [
    out.done && `${out.done} made`,
    out.pending && `${out.pending} still in the queue`,
    out.failed && `${out.failed} failed`,
  ].filter(Boolean);
  const reused = out.items.filter((i) => i.reused).length;
  return views.grid({
    title: `${title}: ${parts.join(', ') || 'nothing'}`,
    items: out.items.map((i) => ({
      id: i.assetId ?? i.hash.slice(0, 16),
      title: `${i.spec} of ${i.sourceId}`,
      thumbnailUrl: i.thumbnailUrl,
      facts: [
        i.state === 'running' && i.progress !== undefined ? `running ${i.progress}%` : i.state,
        ...(i.width ? [`${i.width}×${i.height}`] : []),
        ...(i.bytes ? [`${kb(i.bytes)} ${i.format ?? ''}`.trim()] : []),
        ...(i.reused ? ['already made'] : []),
        // The crop reason, without the encoding details that follow it.
        ...(i.explanation ? [i.explanation.split(/; (?=jpeg|png|webp)/)[0]!] : []),
        ...(i.error ? [i.error] : []),
      ],
      colours: [],
    })),
    total: out.total,
    note:
      [
        out.total > out.items.length
          ? `${out.items.length} of ${out.total} shown; rendition-status with an asset id lists each asset's.`
          : '',
        reused ? `${reused} already existed from the same recipe and were not made again.` : '',
        out.pending
          ? `Ask for the rendition status${out.items[0] ? ` of ${out.items[0].sourceId}` : ''} to see the rest.`
          : '',
      ]
        .filter(Boolean)
        .join(' ') || undefined,
  });
}
