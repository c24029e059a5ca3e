// Creative fatigue: is a creative's rate falling over its flight? A log-linear Poisson trend,
//   successes_d ~ Poisson(trials_d · exp(α + β·t_d)),   t in weeks from the first day,
// fitted by Newton's method on its two parameters, with the quasi-Poisson scale (Pearson χ² over
// the degrees of freedom) widening the interval for day-to-day variation beyond Poisson noise
// (weekdays, auctions). The slope is reported as the change per week, exp(β) − 1, with its 90%
// interval; fatigue is flagged only when even the interval's most favourable end declines by 10%
// or more over the window, so a flat creative is not called tired by chance (a plain "the interval
// is below zero" flags one flat creative in twenty).
import type { CellRates } from './scope.ts';

const Z90 = 1.6448536269514722;
/** Fewer days than this with trials: no trend is estimated. */
export const MIN_DAYS = 14;
/** The smallest decline over the window worth calling fatigue. */
const MIN_DECLINE = 0.1;

export interface DayCount {
  day: string;
  /** Impressions for CTR, clicks for CVR; or what they would give at a base rate. */
  trials: number;
  /** Clicks for CTR, conversions for CVR. */
  successes: number;
}

export interface Fatigue {
  /** Change of the rate per week: -0.05 is 5% lower each week. */
  perWeek: number;
  low: number;
  high: number;
  /** The fitted change from the first to the last day. */
  overWindow: number;
  days: number;
  flagged: boolean;
}

const DAY = 86_400_000;
const round = (v: number, d = 4) => Math.round(v * 10 ** d) / 10 ** d;

export function fatigueOf(series: readonly DayCount[]): Fatigue | null {
  const days = series.filter((d) => d.trials > 0);
  if (days.length < MIN_DAYS) return null;
  const total = days.reduce((s, d) => s + d.successes, 0);
  if (total < 20) return null;
  const weeks = days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / (7 * DAY));
  const first = Math.min(...weeks);
  const t = weeks.map((w) => w - first);
  const n = days.map((d) => d.trials);
  const y = days.map((d) => d.successes);
  let a = Math.log(total / n.reduce((s, x) => s + x, 0));
  let b = 0;
  let info = [0, 0, 0];
  for (let it = 0; it < 30; it++) {
    let g0 = 0;
    let g1 = 0;
    let h00 = 0;
    let h01 = 0;
    let h11 = 0;
    for (let i = 0; i < days.length; i++) {
      const mu = n[i]! * Math.exp(a + b * t[i]!);
      g0 += y[i]! - mu;
      g1 += (y[i]! - mu) * t[i]!;
      h00 += mu;
      h01 += mu * t[i]!;
      h11 += mu * t[i]! * t[i]!;
    }
    const det = h00 * h11 - h01 * h01;
    if (!(det > 0)) return null;
    const da = (h11 * g0 - h01 * g1) / det;
    const db = (h00 * g1 - h01 * g0) / det;
    a += da;
    b += db;
    info = [h00, h01, h11];
    if (Math.abs(da) + Math.abs(db) < 1e-10) break;
  }
  // Quasi-Poisson: the spread of the days around the trend, beyond Poisson noise, widens the SE.
  let pearson = 0;
  for (let i = 0; i < days.length; i++) {
    const mu = n[i]! * Math.exp(a + b * t[i]!);
    if (mu > 0) pearson += (y[i]! - mu) ** 2 / mu;
  }
  const phi = Math.max(1, pearson / (days.length - 2));
  const [h00, h01, h11] = info as [number, number, number];
  const se = Math.sqrt((phi * h00) / (h00 * h11 - h01 * h01));
  const span = Math.max(...t);
  const perWeek = Math.exp(b) - 1;
  const low = Math.exp(b - Z90 * se) - 1;
  const high = Math.exp(b + Z90 * se) - 1;
  const overWindow = Math.exp(b * span) - 1;
  return {
    perWeek: round(perWeek),
    low: round(low),
    high: round(high),
    overWindow: round(overWindow),
    days: days.length,
    flagged: Math.exp((b + Z90 * se) * span) - 1 <= -MIN_DECLINE,
  };
}

/**
 * Each unit's trend from daily rows: `unitOf` maps a placement to its unit (undefined: not asked
 * about). The trials are what each day would give at its placements' channel × market rates, so a
 * creative moving from feeds to stories (a lower CTR) is not called tired.
 */
export function fatigueByUnit(
  rows: readonly {
    placement: string;
    day: string;
    impressions: number;
    clicks: number;
    conversions: number;
  }[],
  unitOf: (placement: string) => string | undefined,
  metric: 'ctr' | 'cvr',
  rates: Pick<CellRates, 'expected'>,
): Map<string, Fatigue | null> {
  const series = new Map<string, Map<string, DayCount>>();
  for (const r of rows) {
    const unit = unitOf(r.placement);
    if (unit === undefined) continue;
    const days = series.get(unit) ?? new Map<string, DayCount>();
    const d = days.get(r.day) ?? { day: r.day, trials: 0, successes: 0 };
    const e = rates.expected(r);
    d.trials += metric === 'ctr' ? e.clicks : e.conversions;
    d.successes += metric === 'ctr' ? r.clicks : r.conversions;
    days.set(r.day, d);
    series.set(unit, days);
  }
  return new Map([...series].map(([u, days]) => [u, fatigueOf([...days.values()])]));
}
