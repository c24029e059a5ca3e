import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import { views } from '../core/views.ts';
import { RippleSummary, rippleSummary, rippleView } from '../graph/ripple.ts';
import { replaceAssetFile } from '../graph/versions.ts';
import { fetchUrl } from '../ingest/fetch-url.ts';
import { parseKey } from '../store/ids.ts';
import { AssetIdInput } from './asset-views.ts';
import { defineTool } from './define-tool.ts';
import { ImageInput } from './find-similar.ts';

const Input = z
  .object({
    assetId: AssetIdInput.describe('the asset that gets a new file'),
    uploadId: z
      .string()
      .max(80)
      .optional()
      .describe('the new file: an image the person attached in the chat ("upload:<id>")'),
    url: z.url().max(2000).optional().describe('the new file: an http(s) URL to fetch'),
    image: ImageInput.optional().describe('the new file: base64 bytes and their type (MCP)'),
    note: z.string().trim().max(300).optional().describe('what changed, for the history'),
  })
  .refine((i) => [i.uploadId, i.url, i.image].filter((x) => x !== undefined).length === 1, {
    message: 'give the new file as one of uploadId, url or image',
  });

export const updateAssetVersion = defineTool({
  name: 'update-asset-version',
  title: 'Update an asset to a new version',
  description:
    "Replaces an asset's file with a new version (the history keeps every version; the asset keeps its id, so placements and links still point at it), then re-makes every rendition and localized cut derived from it from their stored recipes against the new file, each as a new version of the same rendition (the ripple). Renditions the engine cannot re-make (template layouts, hand-made cuts) are listed for a person. Always needs a person's approval, which shows the ripple's plan first: what is re-made, how many files, which live campaigns they feed.",
  annotations: { destructive: false, idempotent: false },
  input: Input,
  output: z.object({
    asset: z.object({ id: z.string(), title: z.string(), version: z.number() }),
    status: z.enum(['versioned', 'unchanged']),
    previous: z.number().describe('the version it replaced'),
    ripple: RippleSummary.nullable(),
    approvalId: z.string().optional(),
  }),
  needsApproval: true,
  summarize: async (i, deps) => {
    const id = parseKey('asset', i.assetId);
    const p = await deps.ripples.plan(id);
    const file = i.uploadId ? `upload ${i.uploadId}` : i.url ? i.url.slice(0, 120) : 'an image';
    const manual = p.manual ? `; ${p.manual} for a person to re-make (no engine recipe)` : '';
    const live = p.live.placements
      ? `; ${p.live.placements} live placement${p.live.placements === 1 ? '' : 's'} change (${p.live.campaigns.join(', ')})`
      : '; no live placement changes';
    return {
      targets: [id],
      text: `New version ${p.root.version + 1} of ${id} "${p.root.title}" from ${file}; the ripple re-makes ${p.remake} rendition${p.remake === 1 ? '' : 's'}${manual}${live}`,
    };
  },
  examples: [
    { say: 'update {id} with the new file {upload}' },
    { say: 'replace the file of {id} with {upload}' },
    { say: 'this is a new version of {id} {upload}' },
    { say: 'swap in the corrected file {upload} for {id}' },
    { say: 'replace {id} with this image {upload}' },
  ],
  view: (out) =>
    out.ripple
      ? rippleView(out.ripple)
      : views.text(
          out.status === 'unchanged'
            ? `${out.asset.id} "${out.asset.title}" already has that file (version ${out.asset.version}); nothing changed.`
            : `${out.asset.id} "${out.asset.title}" is now at version ${out.asset.version} (was ${out.previous}); nothing is derived from it, so nothing else changed.`,
        ),
  run: async (i, deps, ctx) => {
    const data = i.uploadId
      ? await deps.blobs.get((await deps.uploads.get(i.uploadId)).blobKey)
      : i.url
        ? (await fetchUrl(i.url, deps.config.urlFetch, { signal: ctx.signal })).data
        : Buffer.from(i.image!.data, 'base64');
    if (!data.length) throw new AppError('invalid_input', 'the new file is empty');
    const v = await replaceAssetFile(deps, i.assetId, data, {
      note: i.note,
      by: ctx.actor.name ?? ctx.actor.id,
      approvedBy: ctx.approval?.approvedBy,
    });
    return {
      asset: { id: v.asset.id, title: v.asset.title, version: v.asset.version },
      status: v.status,
      previous: v.previous,
      ripple: v.ripple ? rippleSummary(v.ripple) : null,
      ...(ctx.approval ? { approvalId: ctx.approval.id } : {}),
    };
  },
});
