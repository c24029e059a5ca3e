// The best (or worst) performers in a scope: masters ranked by every rendition and cut placed
// from them ("hero images"), or each placed asset on its own, by CTR, CVR, CPA or ROAS, with
// empirical-Bayes shrinkage and 90% credible intervals (insights/shrinkage.ts).
import { type AssetSummary, card } from '../assets/cards.ts';
import type { DateRange } from '../core/dates.ts';
import type { Services } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import type { PlacementTotals } from '../store/performance.repository.ts';
import { type Fatigue, fatigueByUnit } from './fatigue.ts';
import { cellRates, mastersOf, placementsIn } from './scope.ts';
import { fitPrior, type Prior, type RateUnit, shrink } from './shrinkage.ts';
import { resolveWindow, type Window } from './window.ts';

export const METRICS = ['ctr', 'cvr', 'cpa', 'roas'] as const;
export type Metric = (typeof METRICS)[number];
export const METRIC_NAMES: Record<Metric, string> = {
  ctr: 'CTR',
  cvr: 'CVR',
  cpa: 'CPA',
  roas: 'ROAS',
};

export interface TopPerformersInput {
  campaign?: string;
  channel?: string;
  market?: string;
  /** master: key visuals, each with all its renditions and cuts; asset: each placed asset. */
  unit: 'master' | 'asset';
  metric: Metric;
  /** Lowest first (highest first for CPA). */
  worst?: boolean;
  period?: string | DateRange;
  asOf?: string;
  minImpressions: number;
  limit: number;
}

export interface Interval {
  value: number;
  low: number;
  high: number;
}

export interface Performer {
  rank: number;
  asset: AssetSummary;
  metric: Interval | null;
  /** The unshrunk rate, for comparison. */
  raw: number | null;
  /** The metric at the unit's channel × market rates: what "average" means for it. */
  expected: number | null;
  impressions: number;
  clicks: number;
  conversions: number;
  spend: number;
  revenue: number;
  placements: number;
  channels: string[];
  /** The trend of its CTR (or CVR) over the window; null with under 14 days of data. */
  fatigue: Fatigue | null;
}

export interface TopPerformersResult {
  metric: Metric;
  worst: boolean;
  unit: 'master' | 'asset';
  window: Window;
  items: Performer[];
  /** Units ranked (at or above the minimum volume). */
  total: number;
  belowVolume: number;
  read: string[];
  explanation: { method: string; prior: Prior; caveats: string[] };
}

type Deps = Pick<Services, 'names' | 'catalog' | 'performance' | 'graph' | 'assets' | 'urls'>;

interface Unit {
  id: string;
  impressions: number;
  clicks: number;
  conversions: number;
  spend: number;
  revenue: number;
  /** Expected clicks at the channel × market CTR, and expected conversions at their CVR. */
  eClicks: number;
  eConversions: number;
  /** The index the unit is pulled toward: its master's, for a placed asset; 1 for a master. */
  pull: Pull;
  placements: number;
  channels: Set<string>;
}

const round = (v: number, d = 6) => Math.round(v * 10 ** d) / 10 ** d;

export async function topPerformers(
  deps: Deps,
  input: TopPerformersInput,
): Promise<TopPerformersResult> {
  const { placements, read } = await placementsIn(deps, input);
  const ids = placements.map((p) => p.id);
  const inScope = new Set(ids);
  const allTime = (await deps.performance.totalsByPlacement()).filter((t) =>
    inScope.has(t.placement),
  );
  if (!allTime.length)
    throw new AppError(
      'not_found',
      `no performance data has been imported for ${read.join(', ') || 'any placement'}`,
    );
  const days = allTime.flatMap((t) => [t.first, t.last]).sort();
  const window = resolveWindow(input.period, { first: days[0]!, last: days.at(-1)! }, input.asOf);
  read.push(
    `${window.label}: ${window.from} to ${window.to} (asOf ${window.asOf}, ${window.asOfSource})`,
  );
  // The family: the scope without its channel filter. A creative's other channels tell how good
  // it is, and the channel × market rates are measured over them too.
  const family = input.channel
    ? (await placementsIn(deps, { campaign: input.campaign, market: input.market })).placements
    : placements;
  const byId = new Map(family.map((p) => [p.id, p]));
  let familyTotals = (
    await deps.performance.totalsByPlacement({ from: window.from, to: window.to })
  ).filter((t) => byId.has(t.placement));
  if (window.live) familyTotals = familyTotals.filter((t) => t.last >= window.asOf);
  const totals = familyTotals.filter((t) => inScope.has(t.placement));

  const rates = cellRates(familyTotals, byId);
  const expectedOf = rates.expected;

  const masterOf = await mastersOf(deps);
  if (input.unit === 'master')
    read.unshift(
      '"hero images" read as the masters (key visuals), each ranked by all its renditions and cuts',
    );
  // A placed asset is pulled toward its master's index over the master's other placements in the
  // family, not toward the channel's rate: a rendition shares its creative's appeal, so a week of
  // one placement is read together with the creative's other placements.
  const pullOf =
    input.unit === 'asset' ? masterPull(familyTotals, byId, masterOf, expectedOf) : () => NO_PULL;
  const units = new Map<string, Unit>();
  for (const t of totals) {
    const p = byId.get(t.placement)!;
    const id = input.unit === 'master' ? masterOf(p.asset) : p.asset;
    const u =
      units.get(id) ??
      ({
        id,
        impressions: 0,
        clicks: 0,
        conversions: 0,
        spend: 0,
        revenue: 0,
        eClicks: 0,
        eConversions: 0,
        placements: 0,
        channels: new Set(),
        pull: pullOf(p.asset),
      } satisfies Unit);
    const e = expectedOf(t);
    add(u, t);
    u.eClicks += e.clicks;
    u.eConversions += e.conversions;
    u.placements++;
    u.channels.add(p.channel);
    units.set(id, u);
  }
  const all = [...units.values()];
  const eligible = all.filter((u) => u.impressions >= input.minImpressions);
  const byCtr = input.metric === 'ctr';
  const prior = fitPrior(all.map((u) => rateUnit(u, byCtr)));
  const totalRevenue = all.reduce((s, u) => s + u.revenue, 0);
  const totalConversions = all.reduce((s, u) => s + u.conversions, 0);
  const scopeOrderValue = totalConversions ? totalRevenue / totalConversions : 0;

  const scored = eligible.map((u) => ({ u, ...score(u, input.metric, prior, scopeOrderValue) }));
  const lowerIsBetter = input.metric === 'cpa';
  const sign = (lowerIsBetter ? 1 : -1) * (input.worst ? -1 : 1);
  scored.sort((a, b) => {
    if (!a.metric || !b.metric) return a.metric ? -1 : b.metric ? 1 : 0;
    return sign * (a.metric.value - b.metric.value) || a.u.id.localeCompare(b.u.id);
  });
  const top = scored.slice(0, input.limit);
  const [listed, trends] = await Promise.all([
    deps.assets.matching({ ids: top.map((s) => s.u.id) }),
    deps.performance.daily({ from: window.from, to: window.to }).then((rows) => {
      // The trend of each listed unit's CTR (or CVR, for the conversion metrics).
      const listed = new Set(top.map((s) => s.u.id));
      const unitOf = (placement: string) => {
        const p = inScope.has(placement) ? byId.get(placement) : undefined;
        const unit = p && (input.unit === 'master' ? masterOf(p.asset) : p.asset);
        return unit && listed.has(unit) ? unit : undefined;
      };
      return fatigueByUnit(rows, unitOf, byCtr ? 'ctr' : 'cvr', rates);
    }),
  ]);
  const cards = new Map(listed.map((e) => [e.id, card(e, deps.urls)]));
  const items = top.flatMap((s, i): Performer[] => {
    const asset = cards.get(s.u.id);
    if (!asset) return [];
    return [
      {
        rank: i + 1,
        asset,
        metric: s.metric,
        raw: s.raw,
        expected: s.expected,
        impressions: s.u.impressions,
        clicks: s.u.clicks,
        conversions: s.u.conversions,
        spend: round(s.u.spend, 2),
        revenue: round(s.u.revenue, 2),
        placements: s.u.placements,
        channels: [...s.u.channels].sort(),
        fatigue: trends.get(s.u.id) ?? null,
      },
    ];
  });

  const name = METRIC_NAMES[input.metric];
  const of = input.unit === 'master' ? 'master' : 'placed asset';
  const caveats: string[] = [];
  if (prior.assumed)
    caveats.push(
      `only ${prior.units} ${of}${prior.units === 1 ? '' : 's'} had data, too few to measure how much creatives differ: a ${Math.round(prior.spread * 100)}% spread was assumed`,
    );
  if (all.length - eligible.length)
    caveats.push(
      `${all.length - eligible.length} ${of}${all.length - eligible.length === 1 ? '' : 's'} under ${input.minImpressions.toLocaleString('en-US')} impressions are left out of the ranking`,
    );
  if (input.metric === 'roas' || input.metric === 'cpa')
    caveats.push(
      `${name} carries the conversion rate's uncertainty; spend${input.metric === 'roas' ? ' and order value are' : ' is'} taken as measured`,
    );
  const tired = items.filter((i) => i.fatigue?.flagged);
  if (tired.length)
    caveats.push(
      `creative fatigue: ${tired.map((i) => `${i.asset.title} (${i.fatigue!.perWeek < 0 ? '' : '+'}${Math.round(i.fatigue!.perWeek * 1000) / 10}% a week, 90% ${Math.round(i.fatigue!.low * 1000) / 10} to ${Math.round(i.fatigue!.high * 1000) / 10})`).join('; ')} ${tired.length === 1 ? 'is' : 'are'} falling over the window`,
    );
  const thin = items.filter((i) => i.metric && i.metric.high > 1.5 * i.metric.low).length;
  if (thin) caveats.push(`${thin} of the ${items.length} shown have wide intervals (thin data)`);
  return {
    metric: input.metric,
    worst: Boolean(input.worst),
    unit: input.unit,
    window,
    items,
    total: eligible.length,
    belowVolume: all.length - eligible.length,
    read,
    explanation: {
      method: `Empirical Bayes: each ${of}'s ${byCtr ? 'clicks' : 'conversions'} against what its channel × market ${byCtr ? 'CTR' : 'CVR'} in this scope and window would give (so a channel or market mix is no advantage), with a Gamma–Poisson prior whose spread (${Math.round(prior.spread * 1000) / 10}%) was ${prior.assumed ? 'assumed' : `estimated from ${prior.units} ${of}s (DerSimonian–Laird)`}. ${input.unit === 'master' ? `A master with little data stays near its channels' rate, so 40 impressions cannot beat 400,000 by luck. A master counts every rendition and localized cut placed from it.` : `Two levels: a placed asset is pulled toward its master's index, measured over the master's other placements in ${input.channel ? 'every channel of ' : ''}this scope (with that index's own uncertainty), and the spread is how far a master's placed assets differ from it; so a week of one placement is read with the creative's other placements, and 40 impressions cannot beat 400,000 by luck.`} Ranges are 90% credible intervals.`,
      prior,
      caveats,
    },
  };
}

/** The unit's evidence against the rate it is pulled toward. */
function rateUnit(u: Unit, byCtr: boolean): RateUnit {
  return byCtr
    ? { k: u.clicks, e: u.eClicks * u.pull.ctr }
    : { k: u.conversions, e: u.eConversions * u.pull.cvr };
}

/**
 * The index a unit is pulled toward, and how sure that index is (a Gamma shape: its squared
 * coefficient of variation is 1/shape), for CTR and for CVR.
 */
interface Pull {
  ctr: number;
  cvr: number;
  ctrShape: number;
  cvrShape: number;
}
const NO_PULL: Pull = {
  ctr: 1,
  cvr: 1,
  ctrShape: Number.POSITIVE_INFINITY,
  cvrShape: Number.POSITIVE_INFINITY,
};

/**
 * The unit's index against its channels' rates, shrunk toward the index it is pulled toward. The
 * pull's own uncertainty widens the prior: the variances of the two levels add.
 */
function shrunk(u: Unit, byCtr: boolean, prior: Prior) {
  const pull = byCtr ? u.pull.ctr : u.pull.cvr;
  const shape = byCtr ? u.pull.ctrShape : u.pull.cvrShape;
  const a = 1 / (1 / prior.a + 1 / shape);
  const s = shrink(rateUnit(u, byCtr), { ...prior, a });
  return { index: s.index * pull, low: s.low * pull, high: s.high * pull };
}

/**
 * The first level: each placed asset's master index from the master's *other* placements (its
 * own data would count twice), shrunk across masters. An asset with no sibling evidence is pulled
 * toward its channels' rate, with the spread between masters as its uncertainty.
 */
function masterPull(
  totals: readonly PlacementTotals[],
  byId: ReadonlyMap<string, { asset: string }>,
  masterOf: (id: string) => string,
  expectedOf: (t: PlacementTotals) => { clicks: number; conversions: number },
): (asset: string) => Pull {
  type Sums = { ctr: RateUnit; cvr: RateUnit };
  const zero = (): Sums => ({ ctr: { k: 0, e: 0 }, cvr: { k: 0, e: 0 } });
  const byMaster = new Map<string, Sums>();
  const byAsset = new Map<string, Sums>();
  for (const t of totals) {
    const asset = byId.get(t.placement)!.asset;
    const e = expectedOf(t);
    for (const [map, key] of [
      [byMaster, masterOf(asset)],
      [byAsset, asset],
    ] as const) {
      const u = map.get(key) ?? zero();
      u.ctr.k += t.clicks;
      u.ctr.e += e.clicks;
      u.cvr.k += t.conversions;
      u.cvr.e += e.conversions;
      map.set(key, u);
    }
  }
  const ctr = fitPrior([...byMaster.values()].map((u) => u.ctr));
  const cvr = fitPrior([...byMaster.values()].map((u) => u.cvr));
  const rest = (all: RateUnit, own: RateUnit) => ({
    k: Math.max(0, all.k - own.k),
    e: Math.max(0, all.e - own.e),
  });
  return (asset) => {
    const own = byAsset.get(asset) ?? zero();
    const m = byMaster.get(masterOf(asset)) ?? zero();
    const c = rest(m.ctr, own.ctr);
    const v = rest(m.cvr, own.cvr);
    return {
      ctr: c.e > 0 ? (ctr.a + c.k) / (ctr.a + c.e) : 1,
      ctrShape: ctr.a + c.k,
      cvr: v.e > 0 ? (cvr.a + v.k) / (cvr.a + v.e) : 1,
      cvrShape: cvr.a + v.k,
    };
  };
}

function add(u: Unit, t: PlacementTotals) {
  u.impressions += t.impressions;
  u.clicks += t.clicks;
  u.conversions += t.conversions;
  u.spend += t.spend;
  u.revenue += t.revenue;
}

function score(
  u: Unit,
  metric: Metric,
  prior: Prior,
  scopeOrderValue: number,
): { metric: Interval | null; raw: number | null; expected: number | null } {
  if (metric === 'ctr') {
    if (!u.impressions) return { metric: null, raw: null, expected: null };
    const s = shrunk(u, true, prior);
    const base = u.eClicks / u.impressions;
    return {
      metric: {
        value: round(s.index * base),
        low: round(s.low * base),
        high: round(s.high * base),
      },
      raw: round(u.clicks / u.impressions),
      expected: round(base),
    };
  }
  if (!u.clicks) return { metric: null, raw: null, expected: null };
  const s = shrunk(u, false, prior);
  const base = u.eConversions / u.clicks;
  const cvr = { value: s.index * base, low: s.low * base, high: s.high * base };
  if (metric === 'cvr')
    return {
      metric: { value: round(cvr.value), low: round(cvr.low), high: round(cvr.high) },
      raw: round(u.conversions / u.clicks),
      expected: round(base),
    };
  if (metric === 'cpa') {
    const cpa = (r: number) =>
      r > 0 ? round(u.spend / (u.clicks * r), 2) : Number.POSITIVE_INFINITY;
    return {
      metric: { value: cpa(cvr.value), low: cpa(cvr.high), high: cpa(cvr.low) },
      raw: u.conversions ? round(u.spend / u.conversions, 2) : null,
      expected: cpa(base),
    };
  }
  const orderValue = u.conversions ? u.revenue / u.conversions : scopeOrderValue;
  const roas = (r: number) => (u.spend > 0 ? round((u.clicks * r * orderValue) / u.spend, 3) : 0);
  return {
    metric: { value: roas(cvr.value), low: roas(cvr.low), high: roas(cvr.high) },
    raw: u.spend > 0 ? round(u.revenue / u.spend, 3) : null,
    expected: roas(base),
  };
}
