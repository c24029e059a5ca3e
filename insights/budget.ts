// Budget proposals: where the next period's money should go across the placements running now,
// from what the data say about each creative and how sure they are. Nothing is sent anywhere: the
// proposal is stored and a person approves or rejects it (decide-proposal).
//
// Value of a placement = conversions per unit of spend = CTR × CVR / cost per impression, where
// CTR and CVR are its channel × market base rates times its creative's (master's) index, each
// index a Gamma posterior (the empirical-Bayes model of insights/shrinkage.ts). Thompson sampling:
// every draw from the posteriors moves money, within each channel (or across all, when asked),
// from the placements that draw ranks worst to those it ranks best, each kept within ±maxShift of
// its current spend. The proposal is the average of the draws, so money moves in proportion to
// how sure the data are, and a creative with thin data keeps most of its spend.
import gammaRandom from '@stdlib/random-base-gamma';
import { type DateRange, shiftDay } from '../core/dates.ts';
import type { Services } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import type { PlacementTotals } from '../store/performance.repository.ts';
import { attribute } from './attribution.ts';
import { fatigueByUnit } from './fatigue.ts';
import { cellRates, mastersOf, placementsIn, type ScopeInput } from './scope.ts';
import { fitPrior, type Prior, type RateUnit, shrink } from './shrinkage.ts';
import { resolveWindow, type Window } from './window.ts';

export interface BudgetInput extends ScopeInput {
  /** The evidence window; default: the 28 days to asOf. "next week" names the budget period. */
  period?: string | DateRange;
  asOf?: string;
  /** The total to allocate over the budget period; default: the current rate of spend. */
  budget?: number;
  /** Each placement stays within ±this fraction of its current spend. */
  maxShift: number;
  /** creatives: each channel keeps its total; channels: money may move between channels too. */
  across: 'creatives' | 'channels';
  /** Moves listed in the answer (the stored proposal holds every placement). */
  limit: number;
  /** Draws of the posterior; fixed seed, so the same data give the same proposal. */
  draws?: number;
}

export interface Interval {
  value: number;
  low: number;
  high: number;
}

export interface Allocation {
  placement: string;
  asset: { id: string; title: string };
  master: string;
  channel: string;
  market: string | null;
  current: number;
  proposed: number;
  /** proposed / current − 1. */
  change: number;
  ctrIndex: Interval;
  cvrIndex: Interval;
  /** Conversions per 100 of spend, at the posterior. */
  valuePer100: Interval;
  /** How often the draws put this placement above its group's spend-weighted average. */
  pAboveAverage: number;
}

export interface Driver {
  metric: 'ctr' | 'cvr';
  feature: string;
  label: string;
  multiplier: number;
  low: number;
  high: number;
  significant: boolean;
}

export interface BudgetProposal {
  proposalId: string;
  status: 'proposed';
  currency: string;
  /** The evidence window. */
  window: Window;
  /** The days whose spend is the current allocation. */
  current: { from: string; to: string; days: number };
  /** The period the budget is for. */
  budgetPeriod: { from: string; to: string; days: number };
  budget: { current: number; proposed: number };
  across: 'creatives' | 'channels';
  maxShift: number;
  placements: number;
  /** Placements whose spend moves by 1% or more. */
  moved: number;
  /** Money moved: the sum of the increases. */
  shifted: number;
  moves: Allocation[];
  channels: { channel: string; current: number; proposed: number }[];
  impact: {
    /** Expected conversions over the budget period at the current and the proposed allocation. */
    currentConversions: Interval;
    proposedConversions: Interval;
    gain: Interval;
    /** gain / current conversions. */
    gainPct: Interval;
    /** Conversions per 100 of spend, mean. */
    per100: { current: number; proposed: number };
  };
  drivers: Driver[];
  read: string[];
  explanation: {
    method: string;
    window: string;
    prior: { ctr: Prior; cvr: Prior };
    risks: string[];
    wouldChange: string[];
    caveats: string[];
  };
}

type Deps = Pick<
  Services,
  'names' | 'catalog' | 'performance' | 'graph' | 'assets' | 'proposals' | 'config'
>;

const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
const NEXT = /\bnext\s+(?:(week|month)|(\d{1,3})\s+(days?|weeks?))\b/i;

function quantile(sorted: Float64Array | number[], q: number): number {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (i - lo);
}
const interval = (xs: number[], d = 2): Interval => {
  const s = Float64Array.from(xs).sort();
  return {
    value: round(xs.reduce((a, b) => a + b, 0) / xs.length, d),
    low: round(quantile(s, 0.05), d),
    high: round(quantile(s, 0.95), d),
  };
};

interface Live {
  t: PlacementTotals;
  channel: string;
  market: string | null;
  asset: string;
  master: string;
  /** Cost per impression now. */
  cpi: number;
  ctrBase: number;
  cvrBase: number;
  m: number;
}

/** Works the proposal out; `saveProposal` stores it once the caller has checked it. */
export async function recommendBudget(deps: Deps, input: BudgetInput): Promise<PlannedBudget> {
  const { placements, read } = await placementsIn(deps, input);
  const byId = new Map(placements.map((p) => [p.id, p]));
  const allTime = (await deps.performance.totalsByPlacement()).filter((t) => byId.has(t.placement));
  if (!allTime.length)
    throw new AppError(
      'not_found',
      `no performance data has been imported for ${read.join(', ') || 'any placement'}`,
    );
  const days = allTime.flatMap((t) => [t.first, t.last]).sort();
  const data = { first: days[0]!, last: days.at(-1)! };

  // "next week" names the period the money is for; the evidence is what came before it.
  const words = typeof input.period === 'string' ? input.period : input.period?.label;
  const next = words?.match(NEXT);
  const evidencePeriod = next || input.period === undefined ? 'past 28 days' : input.period;
  const resolved = resolveWindow(evidencePeriod, data, input.asOf);
  // Evidence stops at asOf: the days being budgeted are not evidence about themselves.
  const window = { ...resolved, to: [resolved.to, resolved.asOf].sort()[0]! };
  if (window.from > window.to)
    throw new AppError(
      'invalid_input',
      `the evidence window ${resolved.from} to ${resolved.to} starts after asOf ${resolved.asOf}`,
    );
  const horizon = !next
    ? 7
    : next[1]
      ? next[1].toLowerCase() === 'month'
        ? 30
        : 7
      : Number(next[2]) * (/^weeks?$/i.test(next[3]!) ? 7 : 1);
  if (!(horizon >= 1 && horizon <= 90))
    throw new AppError(
      'invalid_input',
      `a budget period of ${horizon} days: give one from 1 to 90 days ("next week", "next 14 days", "next month")`,
    );
  const budgetPeriod = {
    from: shiftDay(window.asOf, 1),
    to: shiftDay(window.asOf, horizon),
    days: horizon,
  };
  read.push(
    `evidence ${window.label}: ${window.from} to ${window.to} (asOf ${window.asOf}, ${window.asOfSource})`,
    `budget for ${next ? next[0] : 'the next 7 days'}: ${budgetPeriod.from} to ${budgetPeriod.to}`,
  );

  // The current allocation: each placement still running on asOf, at its daily spend over the
  // days it ran in the 7 days to asOf (one that started 2 days ago is not a 2/7 share).
  const current = { from: shiftDay(window.asOf, -6), to: window.asOf, days: 7 };
  const now = (await deps.performance.totalsByPlacement(current)).filter(
    (t) => byId.has(t.placement) && t.spend > 0 && t.impressions > 0 && t.last >= window.asOf,
  );
  if (!now.length)
    throw new AppError(
      'not_found',
      `nothing in ${read.slice(0, -2).join(', ') || 'the library'} was spending on ${window.asOf} (in the 7 days ${current.from} to ${current.to}): there is no running budget to reallocate; give an asOf day inside a flight`,
    );
  const evidence = (await deps.performance.totalsByPlacement(window)).filter((t) =>
    byId.has(t.placement),
  );
  if (!evidence.some((t) => t.conversions > 0))
    throw new AppError(
      'not_found',
      `no conversions were recorded from ${window.from} to ${window.to}: a budget is valued in conversions per unit of spend, so there is nothing to weigh; import conversions, or widen the window`,
    );

  // Base rates per channel × market cell in the evidence window, with the channel's as fallback.
  const rates = cellRates(evidence, byId);
  const { rate } = rates;

  // Each creative's evidence against its placements' base rates: one index per master.
  const masterOf = await mastersOf(deps);
  const ev = new Map<string, { ctr: RateUnit; cvr: RateUnit }>();
  for (const t of evidence) {
    const p = byId.get(t.placement)!;
    const m = masterOf(p.asset);
    const r = rate(p);
    const u = ev.get(m) ?? { ctr: { k: 0, e: 0 }, cvr: { k: 0, e: 0 } };
    u.ctr.k += t.clicks;
    u.ctr.e += t.impressions * r.ctr;
    u.cvr.k += t.conversions;
    u.cvr.e += t.clicks * r.cvr;
    ev.set(m, u);
  }
  const masters = [...ev.keys()];
  const prior = {
    ctr: fitPrior(masters.map((m) => ev.get(m)!.ctr)),
    cvr: fitPrior(masters.map((m) => ev.get(m)!.cvr)),
  };

  const masterList: string[] = [];
  const masterIx = new Map<string, number>();
  const live: Live[] = now.map((t) => {
    const p = byId.get(t.placement)!;
    const master = masterOf(p.asset);
    if (!masterIx.has(master)) {
      masterIx.set(master, masterList.length);
      masterList.push(master);
    }
    const r = rate(p);
    return {
      t,
      channel: p.channel,
      market: p.market ?? null,
      asset: p.asset,
      master,
      cpi: t.spend / t.impressions,
      ctrBase: r.ctr,
      cvrBase: r.cvr,
      m: masterIx.get(master)!,
    };
  });
  const post = masterList.map((m) => {
    const u = ev.get(m) ?? { ctr: { k: 0, e: 0 }, cvr: { k: 0, e: 0 } };
    return {
      ctr: { shape: prior.ctr.a + u.ctr.k, rate: prior.ctr.a + u.ctr.e, unit: u.ctr },
      cvr: { shape: prior.cvr.a + u.cvr.k, rate: prior.cvr.a + u.cvr.e, unit: u.cvr },
    };
  });

  // The budget: the current rate of spend over the budget period, unless one is given.
  const daily = live.map((l) => l.t.spend / Math.max(1, l.t.days));
  const runRate = daily.reduce((s, x) => s + x, 0);
  const total = input.budget ?? runRate * budgetPeriod.days;
  if (!(total > 0)) throw new AppError('invalid_input', 'the budget must be more than 0');
  const cur = daily.map((d) => (d / runRate) * total);
  const groups = new Map<string, number[]>();
  live.forEach((l, i) => {
    const g = input.across === 'creatives' ? l.channel : '';
    const list = groups.get(g) ?? [];
    list.push(i);
    groups.set(g, list);
  });

  const S = input.draws ?? 2000;
  const rand = gammaRandom.factory({ seed: 20261203 });
  const draw = () => {
    const th = post.map((q) => rand(q.ctr.shape, q.ctr.rate) * rand(q.cvr.shape, q.cvr.rate));
    return live.map((l) => (l.ctrBase * l.cvrBase * th[l.m]!) / l.cpi);
  };
  const lower = cur.map((c) => c * (1 - input.maxShift));
  const upper = cur.map((c) => c * (1 + input.maxShift));
  const sum = new Float64Array(live.length);
  const above = new Float64Array(live.length);
  const values: number[][] = live.map(() => []);
  for (let s = 0; s < S; s++) {
    const v = draw();
    for (const ix of groups.values()) {
      let pool = 0;
      let spend = 0;
      let worth = 0;
      for (const i of ix) {
        pool += cur[i]! - lower[i]!;
        spend += cur[i]!;
        worth += cur[i]! * v[i]!;
      }
      const avg = worth / spend;
      const order = [...ix].sort((a, b) => v[b]! - v[a]!);
      for (const i of order) {
        const add = Math.min(pool, upper[i]! - lower[i]!);
        pool -= add;
        sum[i]! += lower[i]! + add;
        if (v[i]! > avg) above[i]!++;
      }
    }
    for (let i = 0; i < live.length; i++) values[i]!.push(v[i]! * 100);
  }
  const proposed = Array.from(sum, (x) => x / S);

  // The impact, judged on fresh draws from the same posterior.
  const convNow: number[] = [];
  const convNew: number[] = [];
  const gains: number[] = [];
  const gainPct: number[] = [];
  for (let s = 0; s < S; s++) {
    const v = draw();
    let a = 0;
    let b = 0;
    for (let i = 0; i < live.length; i++) {
      a += cur[i]! * v[i]!;
      b += proposed[i]! * v[i]!;
    }
    convNow.push(a);
    convNew.push(b);
    gains.push(b - a);
    gainPct.push(((b - a) / a) * 100);
  }

  const titles = new Map(
    (await deps.assets.byIds([...new Set(live.flatMap((l) => [l.asset, l.master]))])).map((a) => [
      a.id,
      a.title,
    ]),
  );
  const idx = (q: { shape: number; rate: number; unit: RateUnit }, p: Prior) => {
    const s = shrink(q.unit, p);
    return { value: round(s.index, 3), low: round(s.low, 3), high: round(s.high, 3) };
  };
  const allocations: Allocation[] = live.map((l, i) => ({
    placement: l.t.placement,
    asset: { id: l.asset, title: titles.get(l.asset) ?? l.asset },
    master: l.master,
    channel: l.channel,
    market: l.market,
    current: round(cur[i]!),
    proposed: round(proposed[i]!),
    change: round(proposed[i]! / cur[i]! - 1, 3),
    ctrIndex: idx(post[l.m]!.ctr, prior.ctr),
    cvrIndex: idx(post[l.m]!.cvr, prior.cvr),
    valuePer100: interval(values[i]!, 3),
    pAboveAverage: round(above[i]! / S, 2),
  }));
  const byChange = [...allocations].sort(
    (a, b) => Math.abs(b.proposed - b.current) - Math.abs(a.proposed - a.current),
  );
  const channels = [...new Set(live.map((l) => l.channel))].sort().map((channel) => ({
    channel,
    current: round(
      allocations.filter((a) => a.channel === channel).reduce((s, a) => s + a.current, 0),
    ),
    proposed: round(
      allocations.filter((a) => a.channel === channel).reduce((s, a) => s + a.proposed, 0),
    ),
  }));
  const shifted = round(allocations.reduce((s, a) => s + Math.max(0, a.proposed - a.current), 0));
  const gain = interval(gains, 1);
  const pct = interval(gainPct, 1);

  // What would change the advice: the three creatives the money moves to most, only average.
  const winners = [
    ...new Set(byChange.filter((a) => a.proposed > a.current).map((a) => a.master)),
  ].slice(0, 3);
  const meanV = (i: number, l: Live, neutral: boolean) => {
    const q = post[l.m]!;
    const th = neutral ? 1 : (q.ctr.shape / q.ctr.rate) * (q.cvr.shape / q.cvr.rate);
    return ((l.ctrBase * l.cvrBase * th) / l.cpi) * (proposed[i]! - cur[i]!);
  };
  const gainIfAverage = live.reduce((s, l, i) => s + meanV(i, l, winners.includes(l.master)), 0);

  const drivers: Driver[] = [];
  const caveats: string[] = [];
  for (const metric of ['ctr', 'cvr'] as const) {
    try {
      const fit = await attribute(deps, {
        metric,
        campaign: input.campaign,
        channel: input.channel,
        market: input.market,
        period: { from: window.from, to: window.to, label: `${window.from} to ${window.to}` },
      });
      for (const e of fit.effects)
        if (e.significant)
          drivers.push({
            metric,
            feature: e.feature,
            label: e.label,
            multiplier: e.multiplier,
            low: e.low,
            high: e.high,
            significant: true,
          });
    } catch (e) {
      caveats.push(
        `the ${metric.toUpperCase()} drivers could not be fitted: ${(e as Error).message}`,
      );
    }
  }
  if (!drivers.length)
    caveats.push(
      'no visual feature was a significant driver in this window: the advice rests on each creative’s own record, not on its features',
    );

  const ending = live.filter((l) => {
    const p = byId.get(l.t.placement)!;
    return p.endDate !== undefined && p.endDate !== null && p.endDate < budgetPeriod.to;
  }).length;
  const thin = allocations.filter((a) => a.ctrIndex.high > 1.5 * a.ctrIndex.low).length;
  const risks = [
    `spend is assumed to buy impressions at each placement's cost of the last 7 days, and clicks and conversions at its rates, for changes up to ±${Math.round(input.maxShift * 100)}%: saturation and auction prices are not modelled`,
    input.across === 'creatives'
      ? 'each channel keeps its total: this moves money between creatives, not between channels'
      : 'money moves between channels too: their costs per impression are assumed to hold at the new spend, the weakest assumption here',
  ];
  // Fatigue: a creative whose CTR is falling is worth less next week than its window says.
  const liveMasters = new Set(live.map((l) => l.master));
  const trends = fatigueByUnit(
    await deps.performance.daily({ from: window.from, to: window.to }),
    (placement) => {
      const p = byId.get(placement);
      const m = p && masterOf(p.asset);
      return m && liveMasters.has(m) ? m : undefined;
    },
    'ctr',
    rates,
  );
  const tired = [...trends].flatMap(([m, f]) => (f?.flagged ? [{ m, f }] : []));
  risks.push(
    tired.length
      ? `creative fatigue: ${tired.map(({ m, f }) => `${titles.get(m) ?? m} (CTR ${Math.round(f.perWeek * 1000) / 10}% a week, 90% ${Math.round(f.low * 1000) / 10} to ${Math.round(f.high * 1000) / 10})`).join('; ')} ${tired.length === 1 ? 'is' : 'are'} falling: valued on the whole window, ${tired.length === 1 ? 'it' : 'they'} may be worth less next week`
      : [...trends.values()].some((f) => f)
        ? 'no creative shows fatigue (a falling CTR) over the evidence window; one that starts to tire is valued on its past'
        : 'fatigue could not be judged: the evidence window holds under 14 days of data per creative',
  );
  if (ending)
    risks.push(
      `${ending} of the ${live.length} placements' flights end before ${budgetPeriod.to}: the proposal assumes they run through the budget period`,
    );
  if (thin)
    risks.push(
      `${thin} placements' creatives have wide CTR intervals (thin data): they keep most of their spend`,
    );
  if (prior.ctr.assumed || prior.cvr.assumed)
    risks.push(
      'too few creatives to measure how much they differ: a 15% spread was assumed, which may move too much or too little',
    );
  const wouldChange = [
    winners.length
      ? `if the ${winners.length === 1 ? 'creative' : `${winners.length} creatives`} the money moves to most (${winners.map((m) => titles.get(m) ?? m).join('; ')}) turned out only as good as their channels' average, the expected gain would be ${round(gainIfAverage, 1)} conversions instead of ${gain.value}`
      : 'no creative stands out: the advice is to keep the current allocation',
    'another week of data narrows the intervals and moves more money where the evidence holds',
    'a new creative, a change of cost per impression, or a change of a flight changes the inputs: ask again',
  ];

  const of = (n: number) => `${n} placement${n === 1 ? '' : 's'}`;
  const moved = allocations.filter((a) => Math.abs(a.change) >= 0.01).length;
  const currency = deps.config.performance.currency;
  const money = (v: number) => `${currency} ${round(v).toLocaleString('en-US')}`;
  const summary = `Budget proposal for ${budgetPeriod.from} to ${budgetPeriod.to}: move ${money(shifted)} of ${money(total)} across ${of(moved)} (${input.across === 'creatives' ? 'within each channel' : 'across channels'}); expected ${gain.value >= 0 ? '+' : ''}${gain.value} conversions (90%: ${gain.low} to ${gain.high}), ${pct.value >= 0 ? '+' : ''}${pct.value}%`;
  const result: BudgetProposal = {
    proposalId: '',
    status: 'proposed',
    currency,
    window,
    current,
    budgetPeriod,
    budget: { current: round(total), proposed: round(proposed.reduce((s, x) => s + x, 0)) },
    across: input.across,
    maxShift: input.maxShift,
    placements: live.length,
    moved,
    shifted,
    moves: byChange.filter((a) => Math.abs(a.change) >= 0.01).slice(0, input.limit),
    channels,
    impact: {
      currentConversions: interval(convNow, 1),
      proposedConversions: interval(convNew, 1),
      gain,
      gainPct: pct,
      per100: {
        current: round((convNow.reduce((a, b) => a + b, 0) / S / total) * 100, 3),
        proposed: round((convNew.reduce((a, b) => a + b, 0) / S / total) * 100, 3),
      },
    },
    drivers,
    read,
    explanation: {
      method: `Thompson sampling over ${S} draws of each creative's CTR and CVR index (Gamma–Poisson empirical Bayes against its placements' channel × market rates; spread between creatives ${Math.round(prior.ctr.spread * 1000) / 10}% for CTR and ${Math.round(prior.cvr.spread * 1000) / 10}% for CVR, ${prior.ctr.assumed ? 'assumed' : `estimated from ${prior.ctr.units} masters`}). A placement's value is conversions per unit of spend: CTR × CVR / its cost per impression over the last 7 days. Each draw moves money ${input.across === 'creatives' ? 'within each channel' : 'across all placements'} from the placements it ranks worst to the best, each kept within ±${Math.round(input.maxShift * 100)}% of its current spend; the proposal is the average of the draws, so money moves in proportion to how sure the data are. The expected impact is judged on fresh draws; ranges are 90% intervals.`,
      window: `evidence ${window.from} to ${window.to} (${window.label}); current allocation = the spend of ${current.from} to ${current.to}; budget for ${budgetPeriod.from} to ${budgetPeriod.to}`,
      prior,
      risks,
      wouldChange,
      caveats,
    },
  };
  return { proposal: result, allocations, summary };
}

/** A proposal worked out and checked, not yet stored. */
export interface PlannedBudget {
  proposal: BudgetProposal;
  /** Every running placement, for the stored proposal and its export. */
  allocations: Allocation[];
  summary: string;
}

/** Stores the proposal exactly as it will be shown, with every placement's allocation. */
export async function saveProposal(
  deps: Pick<Services, 'proposals'>,
  planned: PlannedBudget,
  createdBy: string,
): Promise<BudgetProposal> {
  const stored = await deps.proposals.create({
    kind: 'budget',
    summary: planned.summary,
    // The id is the record's own; the body is the rest, with every allocation.
    bodyJson: JSON.stringify({
      ...planned.proposal,
      proposalId: undefined,
      moves: undefined,
      allocations: planned.allocations,
    }),
    createdBy,
  });
  return { ...planned.proposal, proposalId: stored.id };
}
