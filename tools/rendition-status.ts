import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import { AssetIdInput } from './asset-views.ts';
import { defineTool } from './define-tool.ts';
import { RenditionsResult, renditionsView, withUrls } from './rendition-views.ts';

export const renditionStatus = defineTool({
  name: 'rendition-status',
  title: 'Rendition status',
  description:
    "Where renditions stand: for an asset, every rendition the engine made of it (spec, size, bytes, how it was fitted) and those still queued or running, with progress; for recipe hashes from request-renditions, each one's state (done, queued, running, failed with the reason).",
  annotations: { readOnly: true, idempotent: true },
  input: z
    .object({
      assetId: AssetIdInput.optional().describe('a source asset (or one of its renditions)'),
      hashes: z
        .array(z.string().regex(/^[0-9a-f]{64}$/, 'a recipe hash (64 hex digits)'))
        .min(1)
        .max(100)
        .optional()
        .describe('recipe hashes returned by request-renditions'),
    })
    .refine((i) => (i.assetId === undefined) !== (i.hashes === undefined), {
      message: 'give assetId or hashes',
    }),
  output: RenditionsResult,
  examples: [
    { say: 'rendition status of {id}' },
    { say: 'are the renditions of {id} done' },
    { say: 'is the rendition of {id} ready yet' },
    { say: 'how are the renditions of {id} coming along' },
  ],
  view: (out) => renditionsView(out, 'Rendition status'),
  run: async (input, deps) => {
    const items = input.assetId
      ? await deps.renditions.of(input.assetId)
      : await deps.renditions.status(input.hashes!);
    if (input.assetId && !items.length) {
      throw new AppError(
        'not_found',
        `no renditions of ${input.assetId} yet: ask request-renditions to make some`,
      );
    }
    return withUrls(deps, items, deps.renditions.mode);
  },
});
