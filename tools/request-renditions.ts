import { z } from 'zod';
import { Fit } from '../renditions/render.ts';
import { OutputFormat } from '../renditions/specs.ts';
import { AssetIdInput } from './asset-views.ts';
import { defineTool } from './define-tool.ts';
import { RenditionsResult, renditionsView, withUrls } from './rendition-views.ts';

const Input = z.object({
  assetIds: z.array(AssetIdInput).min(1).max(50).describe('the source assets (masters)'),
  specs: z
    .array(z.string().trim().min(1).max(80))
    .min(1)
    .max(30)
    .describe(
      'channel spec ids (list-channel-specs), a network ("programmatic": every display size) or channel words ("instagram story", "google display network", "web homepage")',
    ),
  fit: Fit.default('smart-crop').describe(
    'smart-crop keeps faces, the headline and the logo; crop centres; contain, blur-fill and extend keep the whole picture; outpaint has an image model paint the margins (generative: a draft until approved)',
  ),
  outpaintPrompt: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .optional()
    .describe('outpaint: what the model should paint in the margins'),
  format: OutputFormat.optional().describe(
    "jpeg, png or webp; the spec's first format when it refuses this one",
  ),
  focal: z
    .object({ x: z.number().min(0).max(1), y: z.number().min(0).max(1) })
    .optional()
    .describe('a manual focal point, 0..1 from the left and the top: it stays in the frame'),
});

const count = (i: z.output<typeof Input>, specs: { resolve(p: string[]): unknown[] }) =>
  i.assetIds.length * specs.resolve(i.specs).length;

export const requestRenditions = defineTool({
  name: 'request-renditions',
  title: 'Request renditions',
  description:
    "Makes channel-ready files of assets: each asset in each channel spec, at the exact pixel size, in sRGB, within the spec's byte limit. Smart crop keeps faces, the headline and the logo and says why it cropped as it did. The same recipe is never made twice: asking again returns the recorded rendition. Each output is recorded as an asset of kind rendition, derived from its source with the recipe. More files than the configured limit (RENDITIONS_APPROVAL_ABOVE, 20 by default) in one request need a person's approval.",
  annotations: { idempotent: true },
  input: Input,
  output: RenditionsResult,
  needsApproval: (i, deps) => count(i, deps.specs) > deps.config.renditions.approvalAbove,
  summarize: (i, deps) => {
    const specs = deps.specs.resolve(i.specs);
    return {
      targets: i.assetIds,
      text: `Make ${i.assetIds.length * specs.length} renditions: ${i.assetIds.length} asset${i.assetIds.length === 1 ? '' : 's'} × ${specs.length} spec${specs.length === 1 ? '' : 's'} (${specs.map((s) => s.id).join(', ')}), ${i.fit}`,
    };
  },
  examples: [
    { say: 'make {id} ready for {spec}' },
    { say: 'make the {campaign} hero ready for {spec}' },
    { say: 'get {id} ready for {spec}' },
    { say: 'resize {id} for {spec}' },
    { say: 'make {spec} renditions of {id}' },
    { say: 'render {id} in the {spec} sizes' },
    { say: 'export {id} for {spec}' },
    { say: 'crop {id} for {spec}' },
    { say: 'adapt {id} to {spec}' },
    { say: 'make {spec} versions of {id}' },
    { say: 'make {id} for {spec} without cropping', input: { fit: 'blur-fill' } },
    { say: 'fit the whole picture of {id} into {spec}', input: { fit: 'contain' } },
    { say: 'make {id} ready for {spec} as webp', input: { format: 'webp' } },
    { say: 'extend {id} for {spec} with generative fill', input: { fit: 'outpaint' } },
    { say: 'outpaint {id} to fit {spec}', input: { fit: 'outpaint' } },
  ],
  plan: { needs: ['spec'], targetsFrom: 'list-assets' },
  view: (out) => renditionsView(out, 'Renditions'),
  run: async (input, deps, ctx) => {
    const specs = deps.specs.resolve(input.specs);
    const items = await deps.renditions.request(input.assetIds, specs, {
      fit: input.fit,
      format: input.format,
      focal: input.focal,
      prompt: input.outpaintPrompt,
    });
    return {
      ...withUrls(deps, items, deps.renditions.mode),
      ...(ctx.approval ? { approvalId: ctx.approval.id } : {}),
    };
  },
});
