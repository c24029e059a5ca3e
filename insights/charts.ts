// Charts as pictures: a metric over time with its 90% band, and effect sizes with error bars.
// Vega-Lite specs rendered to SVG by Vega in the process (no browser, no canvas); PNG, for Slack,
// is the same SVG rasterised by sharp. The data come from the same domain functions the tools use,
// so a chart and a tool's table never disagree.
import gammaQuantile from '@stdlib/stats-base-dists-gamma-quantile';
import sharp from 'sharp';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Services } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import { type AttributionInput, attribute } from './attribution.ts';
import { mastersOf, placementsIn } from './scope.ts';
import { resolveWindow, type Window } from './window.ts';

export interface Chart {
  svg: string;
  title: string;
  /** What the picture shows, in words: its alt text. */
  alt: string;
}

const WIDTH = 640;
const HEIGHT = 280;
const BLUE = '#2b6cb0';

async function render(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), {
    renderer: 'none',
    logLevel: vega.Error,
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The SVG as PNG at twice its size, for surfaces that show no SVG (Slack). */
export function toPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density: 144 }).png().toBuffer();
}

type Deps = Pick<Services, 'names' | 'catalog' | 'performance' | 'graph' | 'assets'>;

/** What an effects chart is of: the attribution model's own scope. */
export type EffectsInput = Omit<AttributionInput, 'features'>;

export interface TrendInput extends EffectsInput {
  /** A master (all its renditions and cuts) or a placed asset. */
  assetId: string;
}

/** Daily CTR (or CVR) of an asset, with each day's 90% interval (Jeffreys, Gamma–Poisson). */
export async function trendChart(
  deps: Deps,
  input: TrendInput,
): Promise<Chart & { window: Window }> {
  const { placements, read } = await placementsIn(deps, input);
  const masterOf = await mastersOf(deps);
  const mine = new Set(
    placements
      .filter((p) => p.asset === input.assetId || masterOf(p.asset) === input.assetId)
      .map((p) => p.id),
  );
  if (!mine.size)
    throw new AppError(
      'not_found',
      `asset ${input.assetId} has no placements${read.length ? ` in ${read.join(', ')}` : ''}`,
    );
  const spans = (await deps.performance.totalsByPlacement()).filter((t) => mine.has(t.placement));
  if (!spans.length)
    throw new AppError('not_found', `no performance data for asset ${input.assetId}`);
  const days = spans.flatMap((t) => [t.first, t.last]).sort();
  const window = resolveWindow(input.period, { first: days[0]!, last: days.at(-1)! }, input.asOf);
  const rows = (await deps.performance.daily({ from: window.from, to: window.to })).filter((r) =>
    mine.has(r.placement),
  );
  const byDay = new Map<string, { n: number; k: number }>();
  for (const r of rows) {
    const d = byDay.get(r.day) ?? { n: 0, k: 0 };
    d.n += input.metric === 'ctr' ? r.impressions : r.clicks;
    d.k += input.metric === 'ctr' ? r.clicks : r.conversions;
    byDay.set(r.day, d);
  }
  const values = [...byDay]
    .filter(([, d]) => d.n > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, d]) => ({
      day,
      rate: (100 * d.k) / d.n,
      low: 100 * gammaQuantile(0.05, d.k + 0.5, d.n) || 0,
      high: 100 * gammaQuantile(0.95, d.k + 0.5, d.n),
    }));
  if (!values.length)
    throw new AppError(
      'not_found',
      `no ${input.metric.toUpperCase()} data for asset ${input.assetId} from ${window.from} to ${window.to}`,
    );
  const [asset] = await deps.assets.byIds([input.assetId]);
  const name = input.metric.toUpperCase();
  const title = `${name} of ${asset?.title ?? input.assetId}, ${window.from} to ${window.to}`;
  const x = { field: 'day', type: 'temporal' as const, title: null };
  const svg = await render({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: WIDTH,
    height: HEIGHT,
    title: { text: title, fontSize: 13, anchor: 'start' },
    data: { values },
    layer: [
      {
        mark: { type: 'area', color: BLUE, opacity: 0.18 },
        encoding: {
          x,
          y: { field: 'low', type: 'quantitative', title: `${name} %` },
          y2: { field: 'high' },
        },
      },
      {
        mark: { type: 'line', color: BLUE, strokeWidth: 2, point: { size: 14, color: BLUE } },
        encoding: { x, y: { field: 'rate', type: 'quantitative', title: `${name} %` } },
      },
    ],
    config: { view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 11 } },
  });
  const rates = values.map((v) => v.rate);
  return {
    svg,
    title,
    window,
    alt: `${title}: daily ${name} from ${Math.min(...rates).toFixed(2)}% to ${Math.max(...rates).toFixed(2)}% over ${values.length} days, with 90% bands`,
  };
}

/** The attribution model's effects as multipliers with their 90% intervals. */
export async function effectsChart(
  deps: Deps,
  input: EffectsInput,
): Promise<Chart & { window: Window }> {
  const fit = await attribute(deps, input);
  if (!fit.effects.length)
    throw new AppError(
      'not_found',
      `no effect could be estimated here: ${fit.notEstimated.map((n) => `${n.label}: ${n.reason}`).join('; ') || fit.explanation.caveats.join('; ')}`,
    );
  const values = fit.effects.map((e) => ({
    label: e.label,
    multiplier: e.multiplier,
    low: e.low,
    high: e.high,
    verdict: e.significant ? 'driver' : 'no clear effect',
  }));
  const name = input.metric.toUpperCase();
  const title = `What drives ${name}, ${fit.window.from} to ${fit.window.to} (×, 90% intervals)`;
  const y = {
    field: 'label',
    type: 'nominal' as const,
    title: null,
    sort: { field: 'multiplier', order: 'descending' as const },
  };
  const svg = await render({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: WIDTH - 200,
    height: { step: 26 },
    title: {
      text: title,
      subtitle:
        "blue: a driver (after Holm's correction); grey: no clear effect; dashed: no effect",
      fontSize: 13,
      anchor: 'start',
    },
    data: { values },
    layer: [
      { mark: { type: 'rule', color: '#888', strokeDash: [4, 3] }, encoding: { x: { datum: 1 } } },
      {
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: {
          y,
          x: {
            field: 'low',
            type: 'quantitative',
            title: `${name} multiplier`,
            scale: { zero: false },
          },
          x2: { field: 'high' },
          color: {
            field: 'verdict',
            type: 'nominal',
            scale: { domain: ['driver', 'no clear effect'], range: [BLUE, '#a0aec0'] },
            legend: null,
          },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          y,
          x: { field: 'multiplier', type: 'quantitative' },
          color: { field: 'verdict', type: 'nominal', legend: null },
        },
      },
    ],
    config: {
      view: { stroke: null },
      axis: { labelFontSize: 11, titleFontSize: 11, labelLimit: 300 },
    },
  });
  const drivers = fit.effects.filter((e) => e.significant);
  return {
    svg,
    title,
    window: fit.window,
    alt: `${title}: ${drivers.length ? drivers.map((d) => `${d.label} ×${d.multiplier} (${d.low}–${d.high})`).join('; ') : 'no significant driver'}; ${fit.effects.length - drivers.length} with no clear effect`,
  };
}
