import { z } from 'zod';
import { views } from '../core/views.ts';
import { chartPath } from '../insights/chart-query.ts';
import { effectsChart, trendChart } from '../insights/charts.ts';
import { PerformanceScope, WindowOut } from '../insights/window.ts';
import { AssetIdInput } from './asset-views.ts';
import { defineTool } from './define-tool.ts';
import { RateMetric } from './explain-performance.ts';

export const ChartPerformanceResult = z.object({
  chart: z.enum(['trend', 'effects']),
  title: z.string(),
  alt: z.string().describe('what the picture shows, in words'),
  url: z.string().describe('the chart as SVG, at a stable URL'),
  pngUrl: z.string().describe('the same chart as PNG (for Slack)'),
  window: WindowOut,
});

export const chartPerformance = defineTool({
  name: 'chart-performance',
  title: 'Chart performance',
  description:
    "A chart as a picture, at a stable URL (SVG, and PNG for Slack): an asset's CTR or CVR over time with its daily 90% band ('trend'; a master counts all its renditions and cuts), or what drives CTR or CVR, the visual features' multipliers with 90% error bars ('effects'), within a campaign, channel, market and time window.",
  annotations: { readOnly: true, idempotent: true },
  input: PerformanceScope.extend({
    chart: z
      .enum(['trend', 'effects'])
      .default('trend')
      .meta({
        aliases: {
          trend: ['over time', 'trend', 'by day', 'daily', 'timeline'],
          effects: ['drivers', 'effects', 'effect sizes', 'error bars', 'what drives'],
        },
      }),
    assetId: AssetIdInput.optional().describe('the asset a trend is of'),
    metric: RateMetric,
  }).refine((i) => i.chart !== 'trend' || i.assetId !== undefined, {
    message: 'a trend chart is of one asset: give assetId (or ask for the effects chart)',
  }),
  output: ChartPerformanceResult,
  examples: [
    { say: 'chart the CTR of {id} over time', input: { chart: 'trend', metric: 'ctr' } },
    { say: 'plot {id} daily conversion rate', input: { chart: 'trend', metric: 'cvr' } },
    { say: 'show a chart of how {id} performed {date}', input: { chart: 'trend' } },
    { say: 'chart the CTR drivers in {campaign}', input: { chart: 'effects' } },
    {
      say: 'plot the drivers of conversions with error bars',
      input: { chart: 'effects', metric: 'cvr' },
    },
  ],
  plan: { needs: ['metric'] },
  view: (out) =>
    views.picture({ url: out.pngUrl, alt: out.alt, caption: `${out.alt} (SVG: ${out.url})` }),
  run: async (input, deps) => {
    const period = input.period;
    const assetId = input.assetId?.replace(/^asset:/, '');
    const scope = { campaign: input.campaign, channel: input.channel, market: input.market };
    const made =
      input.chart === 'trend'
        ? await trendChart(deps, {
            ...scope,
            metric: input.metric,
            period,
            asOf: input.asOf,
            assetId: assetId!,
          })
        : await effectsChart(deps, { ...scope, metric: input.metric, period, asOf: input.asOf });
    // The window is written out as its dates, so the URL draws this very chart tomorrow too.
    const q = {
      ...scope,
      metric: input.metric,
      period: `from ${made.window.from} to ${made.window.to}`,
      asOf: made.window.asOf,
      asset: input.chart === 'trend' ? assetId : undefined,
    };
    return {
      chart: input.chart,
      title: made.title,
      alt: made.alt,
      url: deps.urls.chart(chartPath(input.chart, 'svg', q)),
      pngUrl: deps.urls.chart(chartPath(input.chart, 'png', q)),
      window: made.window,
    };
  },
});
