import { z } from 'zod';
import { views } from '../core/views.ts';
import { attribute } from '../insights/attribution.ts';
import { chartPath } from '../insights/chart-query.ts';
import { FEATURES, featureContext } from '../insights/features.ts';
import { PerformanceScope, WindowOut } from '../insights/window.ts';
import { AssetIdInput } from './asset-views.ts';
import { defineTool } from './define-tool.ts';

const Side = z.object({ placements: z.number(), masters: z.number() });
const EffectOut = z.object({
  feature: z.string(),
  label: z.string(),
  source: z.string(),
  multiplier: z.number(),
  low: z.number(),
  high: z.number(),
  significant: z.boolean(),
  z: z.number(),
  p: z.number(),
  with: Side,
  without: Side,
  warnings: z.array(z.string()),
});

export const ExplainPerformanceResult = z.object({
  metric: z.enum(['ctr', 'cvr']),
  window: WindowOut,
  read: z.array(z.string()),
  effects: z.array(EffectOut),
  notEstimated: z.array(z.object({ feature: z.string(), label: z.string(), reason: z.string() })),
  asset: z
    .object({
      id: z.string(),
      title: z.string(),
      features: z.array(
        z.object({ feature: z.string(), label: z.string(), has: z.boolean().nullable() }),
      ),
    })
    .optional(),
  sample: z.object({
    placements: z.number(),
    masters: z.number(),
    rows: z.number(),
    leftOut: z.number(),
  }),
  explanation: z.object({
    method: z.string(),
    controls: z.array(z.string()),
    caveats: z.array(z.string()),
  }),
  chartUrl: z.string().optional().describe('every effect with its error bar, as SVG (PNG: .png)'),
});

/** CTR or CVR, as people say them: the metric of the attribution model and of its charts. */
export const RateMetric = z
  .enum(['ctr', 'cvr'])
  .default('ctr')
  .meta({
    aliases: {
      ctr: ['click-through rate', 'click-through', 'clicks'],
      cvr: ['conversion rate', 'conversions', 'converting', 'convert'],
    },
  });

const pct = (m: number) => `${m >= 1 ? '+' : '−'}${Math.abs(Math.round((m - 1) * 100))}%`;

export const explainPerformance = defineTool({
  name: 'explain-performance',
  title: 'Explain performance',
  description: `Which visual elements drive CTR or CVR, or why one asset performs as it does: a Poisson regression with channel, campaign, market and weekday controls over the visual features the semantic layer measured (${FEATURES.map((f) => f.label).join('; ')}), errors clustered by creative. Each effect is a multiplier with its 90% interval, sample size and warnings (thin data, confounding); drivers are called significant after Holm's correction; null effects are reported as such.`,
  annotations: { readOnly: true, idempotent: true },
  input: PerformanceScope.extend({
    assetId: AssetIdInput.optional().describe(
      'explain this asset: its features and what they are worth',
    ),
    feature: z
      .string()
      .trim()
      .min(2)
      .max(60)
      .optional()
      .describe(`one feature: ${FEATURES.map((f) => f.id).join(', ')}, or words of its label`),
    metric: RateMetric,
  }),
  output: ExplainPerformanceResult,
  examples: [
    { say: 'which visual elements drive performance' },
    { say: 'what drives CTR in {campaign}', input: { metric: 'ctr' } },
    { say: 'what makes creatives convert on {channel}', input: { metric: 'cvr' } },
    { say: 'why does {id} perform the way it does' },
    { say: 'explain the performance of {id}' },
    { say: 'does a warm palette perform better', input: { feature: 'warm_palette' } },
    { say: 'does the logo position affect clicks', input: { feature: 'logo' } },
    { say: 'do offers in the headline convert better', input: { feature: 'offer', metric: 'cvr' } },
  ],
  plan: { needs: ['metric'] },
  view: (out) =>
    views.table({
      title: !out.effects.length
        ? `No visual driver of ${out.metric.toUpperCase()} could be estimated, ${out.window.from} to ${out.window.to}`
        : out.asset
          ? `What drives ${out.metric.toUpperCase()}, and what ${out.asset.title} (${out.asset.id}) has, ${out.window.from} to ${out.window.to}`
          : `What drives ${out.metric.toUpperCase()}, ${out.window.from} to ${out.window.to}`,
      read: out.read,
      columns: [
        'feature',
        ...(out.asset ? ['this asset'] : []),
        'effect (90% interval)',
        'verdict',
        'masters with / without',
        'warnings',
      ],
      rows: out.effects.map((e) => [
        e.label,
        ...(out.asset
          ? [
              (() => {
                const has = out.asset.features.find((f) => f.feature === e.feature)?.has;
                return has === null || has === undefined ? 'unknown' : has ? 'yes' : 'no';
              })(),
            ]
          : []),
        { value: e.multiplier, low: e.low, high: e.high },
        e.significant ? `driver (${pct(e.multiplier)})` : 'no clear effect',
        `${e.with.masters} / ${e.without.masters}`,
        e.warnings.join('; ') || '–',
      ]),
      note: [
        out.explanation.method,
        ...out.explanation.caveats,
        ...out.notEstimated.map((f) => `${f.label}: not estimated (${f.reason})`),
        ...(out.chartUrl ? [`Chart: ${out.chartUrl}`] : []),
      ].join(' '),
    }),
  run: async (input, deps) => {
    const fit = await attribute(deps, {
      ...input,
      features: input.feature
        ? [input.feature.replace(/_/g, ' ').replace(/ position$/, '')]
        : undefined,
    });
    const out = {
      ...fit,
      ...(fit.effects.length
        ? {
            chartUrl: deps.urls.chart(
              chartPath('effects', 'svg', {
                metric: input.metric,
                campaign: input.campaign,
                channel: input.channel,
                market: input.market,
                period: `from ${fit.window.from} to ${fit.window.to}`,
                asOf: fit.window.asOf,
              }),
            ),
          }
        : {}),
    };
    if (!input.assetId) return out;
    const [a, ctx] = await Promise.all([deps.assets.get(input.assetId), featureContext(deps)]);
    return {
      ...out,
      asset: {
        id: a.id,
        title: a.title || a.originalName,
        features: FEATURES.map((f) => ({
          feature: f.id,
          label: f.label,
          has: f.of(a, ctx) ?? null,
        })),
      },
    };
  },
});
