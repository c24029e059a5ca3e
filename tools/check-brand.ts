import { z } from 'zod';
import { checkAsset } from '../brand/checks.ts';
import { kitFor } from '../brand/kit.ts';
import { views } from '../core/views.ts';
import { enrich } from '../search/enrich.ts';
import { parseKey } from '../store/ids.ts';
import { AssetIdInput } from './asset-views.ts';
import { defineTool } from './define-tool.ts';

const Finding = z.object({
  kind: z.enum(['palette', 'logo', 'disclaimer', 'headline', 'technical']),
  check: z.string(),
  verdict: z.enum(['pass', 'warn', 'fail']),
  value: z.string().describe('what was measured'),
  threshold: z.string().describe('what the brand kit or the channel asks'),
  reason: z.string(),
  box: z
    .object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() })
    .optional()
    .describe('where, in pixels of the asset'),
});

export const checkBrand = defineTool({
  name: 'check-brand',
  title: 'Check an asset against the brand kit',
  description:
    "Brand QA of one asset against its brand kit: the palette (CIEDE2000 against the brand colours, off-brand colours named with their coverage), the logo (present, its size as a share of the width, its clear space, its zone on the channel), the campaign's required disclaimer for the asset's channel and locale (present, its text height in px, its WCAG contrast), the headline's contrast, and for a rendition its channel spec (exact size, bytes, format). Each check gives the measured value, the threshold, a verdict and a reason; the OCR and logo detection it needs run first when the asset's current version has none.",
  annotations: { readOnly: true, idempotent: true },
  input: z.object({ assetId: AssetIdInput }),
  output: z.object({
    asset: z.object({
      id: z.string(),
      title: z.string(),
      kind: z.string(),
      channel: z.string().optional(),
      locale: z.string().optional(),
      version: z.number(),
    }),
    brand: z.string(),
    verdict: z.enum(['pass', 'warn', 'fail']),
    score: z.number().describe('0..100: the share of checks passed, a warning counting half'),
    findings: z.array(Finding),
    skipped: z.array(z.string()).describe('checks that could not run, and why'),
  }),
  examples: [
    { say: 'is {id} on brand' },
    { say: 'check {id} against the brand guidelines' },
    { say: 'brand check {id}' },
    { say: 'does {id} pass brand QA' },
    { say: 'is the logo on {id} big enough' },
    { say: 'does {id} have its disclaimer' },
  ],
  view: (out) =>
    views.table({
      title: `Brand QA of ${out.asset.id} "${out.asset.title}" (version ${out.asset.version}): ${out.verdict.toUpperCase()}, score ${out.score}/100 — ${out.findings.filter((f) => f.verdict === 'fail').length} failed, ${out.findings.filter((f) => f.verdict === 'warn').length} warnings`,
      columns: ['check', 'verdict', 'measured', 'threshold', 'why'],
      rows: [...out.findings]
        .sort((a, b) => rank[a.verdict] - rank[b.verdict])
        .map((f) => [f.check, f.verdict, f.value, f.threshold, f.reason]),
      total: out.findings.length,
      ...(out.skipped.length ? { note: `Not checked: ${out.skipped.join('; ')}` } : {}),
    }),
  run: async ({ assetId }, deps, ctx) => {
    const id = parseKey('asset', assetId);
    let asset = await deps.assets.get(id);
    // What the checks read, for this version: read now when it was never read.
    const stale = [
      asset.ocr?.assetVersion !== asset.version ? ('ocr' as const) : null,
      asset.logo?.assetVersion !== asset.version ? ('logo' as const) : null,
    ].filter((s) => s !== null);
    if (stale.length && asset.mime !== 'image/svg+xml') {
      await enrich(deps, { ids: [id], steps: stale, concurrency: 1, signal: ctx.signal });
      asset = await deps.assets.get(id);
    }
    const kit = await kitFor(deps, asset.campaigns);
    const spec = asset.channel ? deps.specs.all().find((s) => s.id === asset.channel) : undefined;
    const qa = checkAsset(asset, kit, spec);
    return {
      asset: {
        id: asset.id,
        title: asset.title,
        kind: asset.kind,
        channel: asset.channel,
        locale: asset.locale,
        version: asset.version,
      },
      brand: kit.name,
      ...qa,
    };
  },
});

const rank = { fail: 0, warn: 1, pass: 2 } as const;
