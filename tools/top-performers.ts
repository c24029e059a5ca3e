import { z } from 'zod';
import { AssetSummary } from '../assets/cards.ts';
import { views } from '../core/views.ts';
import { METRIC_NAMES, METRICS, topPerformers as top } from '../insights/top-performers.ts';
import { PerformanceScope, WindowOut } from '../insights/window.ts';
import { defineTool } from './define-tool.ts';

const Interval = z.object({ value: z.number(), low: z.number(), high: z.number() });

export const TopPerformersResult = z.object({
  metric: z.enum(METRICS),
  worst: z.boolean(),
  unit: z.enum(['master', 'asset']),
  window: WindowOut,
  items: z.array(
    z.object({
      rank: z.number(),
      asset: AssetSummary,
      metric: Interval.nullable().describe('shrunk estimate with its 90% credible interval'),
      raw: z.number().nullable().describe('the plain rate, unshrunk'),
      expected: z.number().nullable().describe("the metric at the unit's channel × market rates"),
      impressions: z.number(),
      clicks: z.number(),
      conversions: z.number(),
      spend: z.number(),
      revenue: z.number(),
      placements: z.number(),
      channels: z.array(z.string()),
      fatigue: z
        .object({
          perWeek: z.number(),
          low: z.number(),
          high: z.number(),
          overWindow: z.number(),
          days: z.number(),
          flagged: z.boolean(),
        })
        .nullable()
        .describe(
          'the trend of its rate over the window, per week, with its 90% interval; flagged when it is falling',
        ),
    }),
  ),
  total: z.number(),
  belowVolume: z.number(),
  read: z.array(z.string()),
  explanation: z.object({
    method: z.string(),
    prior: z.object({ a: z.number(), spread: z.number(), units: z.number(), assumed: z.boolean() }),
    caveats: z.array(z.string()),
  }),
});

const pct = (v: number) => Math.round(v * 10000) / 100;

export const topPerformers = defineTool({
  name: 'top-performers',
  title: 'Top performers',
  description:
    'The best (or worst) performers by CTR, CVR, CPA or ROAS, within a campaign, channel ("Instagram" = every Instagram channel) and market, over a time window ("last month", "past 14 days", "in April", "live") read against the latest day with data unless asOf is given. "Hero images" are the masters (key visuals), each ranked by all its renditions and cuts; the web-hero channel only when it is named. Estimates are shrunk (empirical Bayes) with 90% credible intervals, so thin data cannot win by luck; the answer states the dates and how it read the words.',
  annotations: { readOnly: true, idempotent: true },
  input: PerformanceScope.extend({
    unit: z
      .enum(['master', 'asset'])
      .default('master')
      .meta({
        aliases: {
          master: ['key visuals', 'key visual', 'masters'],
          asset: ['renditions', 'rendition', 'cuts', 'placements', 'placed assets', 'each ad'],
        },
      })
      .describe('master: key visuals with all their renditions and cuts; asset: each placed asset'),
    metric: z
      .enum(METRICS)
      .default('ctr')
      .meta({
        aliases: {
          ctr: ['click-through rate', 'click-through', 'click rate', 'clicks'],
          cvr: ['conversion rate', 'converting', 'conversions'],
          cpa: ['cost per acquisition', 'cost per conversion', 'cheapest conversions'],
          roas: ['return on ad spend', 'revenue', 'best-selling', 'roi'],
        },
      }),
    worst: z.boolean().default(false).describe('true: the weakest first'),
    minImpressions: z.number().int().min(0).max(100_000_000).default(1000),
    limit: z.number().int().min(1).max(50).default(10),
  }),
  output: TopPerformersResult,
  examples: [
    { say: 'best-performing hero images in {campaign} on {channel} {date}' },
    { say: 'top performers in {campaign}' },
    { say: 'which creatives perform best on {channel}' },
    { say: 'top {count} masters by CTR {date}', input: { metric: 'ctr' } },
    { say: 'which {channel} renditions convert best', input: { unit: 'asset', metric: 'cvr' } },
    { say: 'highest ROAS in {campaign}', input: { metric: 'roas' } },
    { say: 'lowest CPA on {channel}', input: { metric: 'cpa' } },
    { say: 'worst performing ads in {campaign}', input: { worst: true, unit: 'asset' } },
    { say: 'what is performing best right now', input: { period: 'live' } },
  ],
  plan: { needs: ['metric'] },
  view: (out) => {
    const name = METRIC_NAMES[out.metric];
    const rate = out.metric === 'ctr' || out.metric === 'cvr';
    const f = (v: number | null) => (v === null ? null : rate ? pct(v) : v);
    return views.table({
      title: `${out.worst ? 'Weakest' : 'Top'} ${out.items.length} ${out.unit === 'master' ? (out.items.length === 1 ? 'master' : 'masters') : out.items.length === 1 ? 'placed asset' : 'placed assets'} by ${name}, ${out.window.from} to ${out.window.to}`,
      read: out.read,
      columns: [
        '#',
        'asset',
        `${name}${rate ? ' %' : ''} (90% interval)`,
        `raw ${name}${rate ? ' %' : ''}`,
        `channels' ${name}${rate ? ' %' : ''}`,
        'impressions',
        'clicks',
        'conversions',
        'placements',
        'trend %/week (90%)',
      ],
      rows: out.items.map((i) => [
        i.rank,
        `${i.asset.title} (${i.asset.id})`,
        i.metric
          ? { value: f(i.metric.value)!, low: f(i.metric.low)!, high: f(i.metric.high)! }
          : null,
        f(i.raw),
        f(i.expected),
        i.impressions,
        i.clicks,
        i.conversions,
        i.placements,
        i.fatigue
          ? {
              value: pct(i.fatigue.perWeek),
              low: pct(i.fatigue.low),
              high: pct(i.fatigue.high),
            }
          : null,
      ]),
      thumbnails: out.items.map((i) => i.asset.thumbnailUrl ?? null),
      total: out.total,
      note: [out.explanation.method, ...out.explanation.caveats].join(' '),
    });
  },
  run: (input, deps) => top(deps, input),
});
