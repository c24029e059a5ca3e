// Which visual elements drive results: a Poisson GLM of clicks on impressions (CTR) or conversions
// on clicks (CVR) per placement and weekday, with channel, campaign, market and weekday controls
// and the visual features of each placed asset (features.ts), its covariance clustered by master
// (glm.ts). Each effect is a multiplier with its 90% interval and sample size, flagged when the
// data are thin or the feature moves with another; a null effect is reported as such.

import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import type { DateRange } from '../core/dates.ts';
import type { Services } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import { FEATURES, featureContext } from './features.ts';
import { fitPoisson } from './glm.ts';
import { mastersOf, placementsIn } from './scope.ts';
import { resolveWindow, type Window } from './window.ts';

export interface AttributionInput {
  metric: 'ctr' | 'cvr';
  campaign?: string;
  channel?: string;
  market?: string;
  period?: string | DateRange;
  asOf?: string;
  /** Only these features (ids or words of their labels). */
  features?: string[];
}

export interface Effect {
  feature: string;
  label: string;
  source: string;
  multiplier: number;
  low: number;
  high: number;
  /**
   * After Holm's correction over the features tested together (family-wise 10%): testing ten
   * features at 10% each would call one a driver by chance every time.
   */
  significant: boolean;
  z: number;
  /** Two-sided p-value, before the correction. */
  p: number;
  with: { placements: number; masters: number };
  without: { placements: number; masters: number };
  warnings: string[];
}

export interface AttributionResult {
  metric: 'ctr' | 'cvr';
  window: Window;
  read: string[];
  effects: Effect[];
  /** Features that could not be estimated here, with the reason. */
  notEstimated: { feature: string; label: string; reason: string }[];
  sample: { placements: number; masters: number; rows: number; leftOut: number };
  explanation: { method: string; controls: string[]; caveats: string[] };
}

type Deps = Pick<Services, 'names' | 'catalog' | 'performance' | 'graph' | 'assets'>;

const Z90 = 1.6448536269514722;
const FAMILY_ALPHA = 0.1;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
/** Fewer masters than this on either side of a feature: too thin to say much. */
const THIN_MASTERS = 4;
const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;

export async function attribute(deps: Deps, input: AttributionInput): Promise<AttributionResult> {
  const { placements, read } = await placementsIn(deps, input);
  const byId = new Map(placements.map((p) => [p.id, p]));
  const all = (await deps.performance.daily()).filter((r) => byId.has(r.placement));
  if (!all.length)
    throw new AppError(
      'not_found',
      `no performance data for ${read.join(', ') || 'any placement'}`,
    );
  const days = all.map((r) => r.day).sort();
  const window = resolveWindow(input.period, { first: days[0]!, last: days.at(-1)! }, input.asOf);
  read.push(
    `${window.label}: ${window.from} to ${window.to} (asOf ${window.asOf}, ${window.asOfSource})`,
  );
  const rows = all.filter((r) => r.day >= window.from && r.day <= window.to);

  const masterOf = await mastersOf(deps);
  const assets = new Map(
    (await deps.assets.byIds([...new Set(placements.map((p) => p.asset))])).map((a) => [a.id, a]),
  );
  const wanted = input.features?.length
    ? FEATURES.filter((f) =>
        input.features!.some((w) => f.id === w || f.label.toLowerCase().includes(w.toLowerCase())),
      )
    : FEATURES;
  if (!wanted.length)
    throw new AppError(
      'invalid_input',
      `no feature matches ${input.features!.join(', ')}; features: ${FEATURES.map((f) => f.id).join(', ')}`,
    );

  // Per placement: its features (known or not), master, and cells by weekday.
  const ctx = await featureContext(deps);
  const featureOf = new Map<string, (boolean | undefined)[]>();
  for (const p of placements) {
    const a = assets.get(p.asset);
    featureOf.set(
      p.id,
      wanted.map((f) => (a ? f.of(a, ctx) : undefined)),
    );
  }
  // Features measured on no asset in scope, or on every one the same way, cannot be estimated.
  const notEstimated: AttributionResult['notEstimated'] = [];
  const usable: number[] = [];
  wanted.forEach((f, j) => {
    const values = placements.map((p) => featureOf.get(p.id)![j]);
    const known = values.filter((v) => v !== undefined);
    if (!known.length)
      notEstimated.push({
        feature: f.id,
        label: f.label,
        reason: `not measured yet (${f.source}): run curator enrich`,
      });
    else if (known.every((v) => v === known[0]))
      notEstimated.push({
        feature: f.id,
        label: f.label,
        reason: `every asset measured here is ${known[0] ? 'with' : 'without'} it`,
      });
    else usable.push(j);
  });
  // A feature the data cannot separate from a control or from another feature, or seen on (or
  // missing from) a single master, is reported as not estimable rather than given a number.
  const measured = (j: number) => placements.filter((p) => featureOf.get(p.id)![j] !== undefined);
  for (const j of [...usable]) {
    const ps = measured(j);
    const on = ps.map((p) => (featureOf.get(p.id)![j] ? 1 : 0));
    const mastersWith = new Set(ps.filter((_, i) => on[i]).map((p) => masterOf(p.asset))).size;
    const mastersWithout = new Set(ps.filter((_, i) => !on[i]).map((p) => masterOf(p.asset))).size;
    let reason: string | undefined;
    if (mastersWith < 2 || mastersWithout < 2)
      reason = `only ${mastersWith} master${mastersWith === 1 ? '' : 's'} with it and ${mastersWithout} without`;
    for (const [name, of] of [
      ['campaign', (p: (typeof ps)[number]) => p.campaign],
      ['channel', (p: (typeof ps)[number]) => p.channel],
      ['market', (p: (typeof ps)[number]) => p.market ?? '?'],
    ] as const) {
      if (reason) break;
      for (const level of new Set(ps.map(of))) {
        if (
          Math.abs(
            correlation(
              on,
              ps.map((p) => (of(p) === level ? 1 : 0)),
            ),
          ) >= 0.95
        ) {
          reason = `it cannot be told apart from ${name} ${level} here`;
          break;
        }
      }
    }
    for (const k of usable) {
      if (reason || k === j || usable.indexOf(k) > usable.indexOf(j)) continue;
      const other = ps.map((p) => (featureOf.get(p.id)![k] ? 1 : 0));
      if (Math.abs(correlation(on, other)) >= 0.95)
        reason = `it cannot be told apart from "${wanted[k]!.label}" here`;
    }
    if (reason) {
      notEstimated.push({ feature: wanted[j]!.id, label: wanted[j]!.label, reason });
      usable.splice(usable.indexOf(j), 1);
    }
  }
  const complete = placements.filter((p) =>
    usable.every((j) => featureOf.get(p.id)![j] !== undefined),
  );
  const leftOut = placements.length - complete.length;
  const inFit = new Set(complete.map((p) => p.id));

  // Cells: placement × weekday, summed over the window.
  const cells = new Map<string, { p: string; wd: number; y: number; e: number }>();
  for (const r of rows) {
    if (!inFit.has(r.placement)) continue;
    const wd = new Date(`${r.day}T00:00:00Z`).getUTCDay();
    const key = `${r.placement}|${wd}`;
    const c = cells.get(key) ?? { p: r.placement, wd, y: 0, e: 0 };
    c.y += input.metric === 'ctr' ? r.clicks : r.conversions;
    c.e += input.metric === 'ctr' ? r.impressions : r.clicks;
    cells.set(key, c);
  }
  const data = [...cells.values()].filter((c) => c.e > 0);
  if (data.length < 10 || !usable.length) {
    // Nothing to fit: the answer says why, feature by feature, instead of inventing an effect.
    const why = !usable.length
      ? 'no visual feature can be estimated in this scope (see each one below)'
      : `too little data: ${data.length} placement-weekdays`;
    return {
      metric: input.metric,
      window,
      read,
      effects: [],
      notEstimated,
      sample: {
        placements: complete.length,
        masters: new Set(complete.map((pl) => masterOf(pl.asset))).size,
        rows: data.length,
        leftOut,
      },
      explanation: {
        method: `Nothing was fitted: ${why}. With more creatives that differ in their features (at least two masters with and two without each), a Poisson regression with campaign, channel, market and weekday controls and errors clustered by master estimates each feature's effect.`,
        controls: [],
        caveats: [],
      },
    };
  }

  // Columns: intercept, the controls' levels (the first of each dropped), then the features.
  const levels = (f: (p: (typeof placements)[number]) => string | undefined) =>
    [...new Set(complete.map((p) => f(p) ?? '?'))].sort();
  const controls = [
    {
      name: 'campaign',
      of: (p: (typeof placements)[number]) => p.campaign,
      levels: levels((p) => p.campaign),
    },
    {
      name: 'channel',
      of: (p: (typeof placements)[number]) => p.channel,
      levels: levels((p) => p.channel),
    },
    {
      name: 'market',
      of: (p: (typeof placements)[number]) => p.market ?? '?',
      levels: levels((p) => p.market),
    },
  ];
  const cols: string[] = ['intercept'];
  for (const c of controls) for (const l of c.levels.slice(1)) cols.push(`${c.name}=${l}`);
  for (let w = 1; w < 7; w++) cols.push(`weekday=${WEEKDAYS[w]}`);
  const firstFeature = cols.length;
  for (const j of usable) cols.push(wanted[j]!.id);
  const p = cols.length;
  const n = data.length;
  const x = new Float64Array(n * p);
  const y = new Float64Array(n);
  const exposure = new Float64Array(n);
  const cluster = new Int32Array(n);
  const clusterIds = new Map<string, number>();
  data.forEach((c, i) => {
    const pl = byId.get(c.p)!;
    const row = i * p;
    x[row] = 1;
    let k = 1;
    for (const ctl of controls) {
      const v = ctl.of(pl);
      for (const l of ctl.levels.slice(1)) x[row + k++] = v === l ? 1 : 0;
    }
    for (let w = 1; w < 7; w++) x[row + k++] = c.wd === w ? 1 : 0;
    const f = featureOf.get(c.p)!;
    for (const j of usable) x[row + k++] = f[j] ? 1 : 0;
    y[i] = c.y;
    exposure[i] = c.e;
    const m = masterOf(pl.asset);
    if (!clusterIds.has(m)) clusterIds.set(m, clusterIds.size);
    cluster[i] = clusterIds.get(m)!;
  });
  const fit = fitPoisson({ x, n, p, y, exposure, cluster });

  // Sample sizes and confounding, over the placements in the fit.
  const effects: Effect[] = usable.map((j, u) => {
    const col = firstFeature + u;
    const f = wanted[j]!;
    const b = fit.beta[col]!;
    // With few masters the sandwich can come out below the model's own error: the larger is used.
    const se = Math.max(fit.se[col]!, fit.naiveSe[col]!);
    const side = (v: boolean) => {
      const ps = complete.filter((pl) => Boolean(featureOf.get(pl.id)![j]) === v);
      return { placements: ps.length, masters: new Set(ps.map((pl) => masterOf(pl.asset))).size };
    };
    const withF = side(true);
    const withoutF = side(false);
    const warnings: string[] = [];
    if (withF.masters < THIN_MASTERS || withoutF.masters < THIN_MASTERS)
      warnings.push(
        `thin: ${withF.masters} master${withF.masters === 1 ? '' : 's'} with it, ${withoutF.masters} without`,
      );
    const mine = complete.map((pl) => (featureOf.get(pl.id)![j] ? 1 : 0));
    for (const k of usable) {
      if (k === j) continue;
      const other = complete.map((pl) => (featureOf.get(pl.id)![k] ? 1 : 0));
      const r = correlation(mine, other);
      if (Math.abs(r) >= 0.7)
        warnings.push(
          `confounded with "${wanted[k]!.label}" (correlation ${round(r, 2)}): the two cannot be told apart well`,
        );
    }
    for (const ctl of controls)
      for (const l of ctl.levels) {
        const r = correlation(
          mine,
          complete.map((pl) => (ctl.of(pl) === l ? 1 : 0)),
        );
        if (Math.abs(r) >= 0.7)
          warnings.push(`confounded with ${ctl.name} ${l} (correlation ${round(r, 2)})`);
      }
    const low = Math.exp(b - Z90 * se);
    const high = Math.exp(b + Z90 * se);
    return {
      feature: f.id,
      label: f.label,
      source: f.source,
      multiplier: round(Math.exp(b)),
      low: round(low),
      high: round(high),
      significant: false,
      z: round(b / (se || Number.POSITIVE_INFINITY), 2),
      p: se > 0 ? 2 * (1 - normalCdf(Math.abs(b / se), 0, 1)) : 1,
      with: withF,
      without: withoutF,
      warnings,
    };
  });
  // Holm: the k-th smallest p-value is held to α / (m − k + 1), stopping at the first that fails.
  const byP = [...effects].sort((a, b) => a.p - b.p);
  for (let k = 0; k < byP.length; k++) {
    if (byP[k]!.p > FAMILY_ALPHA / (byP.length - k)) break;
    byP[k]!.significant = true;
  }
  effects.sort((a, b) => Number(b.significant) - Number(a.significant) || a.p - b.p);

  const masters = new Set(complete.map((pl) => masterOf(pl.asset))).size;
  const caveats: string[] = [];
  if (leftOut)
    caveats.push(
      `${leftOut} placement${leftOut === 1 ? '' : 's'} left out: a feature was not measured on their asset (run curator enrich)`,
    );
  if (!fit.converged) caveats.push('the fit did not fully converge: read the intervals with care');
  if (masters < 10)
    caveats.push(`only ${masters} masters: with few creatives every interval is wide`);
  const naive = usable.map(
    (_, u) => fit.se[firstFeature + u]! / (fit.naiveSe[firstFeature + u]! || 1),
  );
  const widen = naive.length ? Math.max(...naive) : 1;
  const name =
    input.metric === 'ctr' ? 'clicks on impressions (CTR)' : 'conversions on clicks (CVR)';
  return {
    metric: input.metric,
    window,
    read,
    effects,
    notEstimated,
    sample: { placements: complete.length, masters, rows: n, leftOut },
    explanation: {
      method: `A Poisson regression of ${name} per placement and weekday, log link, with campaign, channel, market and weekday controls, fitted by IRLS. Errors are clustered by master (the sandwich estimator over ${fit.clusters} masters): the unit of evidence is the creative, not the impression, ${widen > 1 ? `and this widened the intervals up to ${round(widen, 1)}× the plain Poisson ones` : 'here it came out no wider than the plain Poisson errors, which are used instead'}. Effects are multipliers on the ${input.metric.toUpperCase()} with 90% intervals; a driver is significant after Holm's correction over the ${effects.length} features tested (family-wise 10%), so an interval that just excludes 1 may still be called not significant.`,
      controls: controls.map((c) => `${c.name} (${c.levels.length} levels)`).concat('weekday (7)'),
      caveats,
    },
  };
}

function correlation(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return saa && sbb ? sab / Math.sqrt(saa * sbb) : 0;
}
