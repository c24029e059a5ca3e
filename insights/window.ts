// The time window of a performance question, resolved against `asOf`: the day given, else the
// latest day with data in the scope asked about. The demo's flights ended in 2026, and "last
// month" must still mean something on them, so relative words are never read against the wall
// clock here. Every answer states the dates it used.
import { z } from 'zod';
import { Selection } from '../assets/selection.ts';
import { type DateRange, extractDateRange, shiftDay } from '../core/dates.ts';
import { AppError } from '../core/errors.ts';

export interface Window {
  /** Inclusive first day, YYYY-MM-DD. */
  from: string;
  /** Inclusive last day, YYYY-MM-DD. */
  to: string;
  /** The words it came from ("last month"), or "all data". */
  label: string;
  asOf: string;
  asOfSource: 'given' | 'latest day with data';
  /** "live": only what ran on the asOf day counts. */
  live: boolean;
}

const ISO = /^\d{4}-\d{2}-\d{2}$/;
const LIVE = /\b(?:live|running|currently|right now|active)\b/i;
const day = (d: string) => new Date(`${d}T00:00:00Z`);

/**
 * `period`: words ("last month", "past 7 days", "in April", "live"), or a range a planner already
 * read ({ from, to, label }: its label is read again against `asOf`, unless it names dates).
 */
export function resolveWindow(
  period: string | DateRange | undefined,
  data: { first: string; last: string },
  asOfGiven?: string,
): Window {
  if (asOfGiven !== undefined && !ISO.test(asOfGiven))
    throw new AppError('invalid_input', `asOf must be a day, YYYY-MM-DD: "${asOfGiven}"`);
  const asOf = asOfGiven ?? data.last;
  const asOfSource = asOfGiven ? 'given' : 'latest day with data';
  const base = { asOf, asOfSource, live: false } as const;
  if (period === undefined || (typeof period === 'string' && !period.trim())) {
    return { ...base, from: data.first, to: asOf, label: 'all data' };
  }
  const words = typeof period === 'string' ? period : period.label;
  if (LIVE.test(words)) {
    // What is running now, over its last 7 days: long enough to rank, short enough to be current.
    return {
      ...base,
      from: shiftDay(asOf, -6),
      to: asOf,
      label: 'live (the 7 days to asOf)',
      live: true,
    };
  }
  let range: DateRange | undefined;
  if (typeof period !== 'string' && /\d{4}-\d{2}-\d{2}/.test(period.label)) range = period;
  else range = extractDateRange(words.toLowerCase(), day(asOf));
  if (!range && typeof period !== 'string' && (period.from || period.to)) range = period;
  if (!range)
    throw new AppError(
      'invalid_input',
      `could not read "${words}" as a time window: say "last month", "past 14 days", "in April", "live", or give from and to dates`,
    );
  const from = range.from ?? data.first;
  const to = range.to ?? asOf;
  if (!ISO.test(from) || !ISO.test(to) || from > to)
    throw new AppError('invalid_input', `"${words}" is not a window of days (${from} to ${to})`);
  return { ...base, from, to, label: range.label };
}

export const Day = z.string().regex(ISO, 'a day, YYYY-MM-DD');

/** What a performance question is about: the tools' shared input (names as people say them). */
export const PerformanceScope = Selection.pick({ campaign: true, channel: true }).extend({
  market: z.string().trim().min(1).max(40).optional().describe('"US", "Germany", "de-DE"'),
  period: z
    .union([
      z.string().trim().max(80),
      z.object({ from: Day.optional(), to: Day.optional(), label: z.string().max(80) }),
    ])
    .optional()
    .describe('"last month", "past 14 days", "in April", "live"; default: all data'),
  asOf: Day.optional().describe('the day relative windows count back from'),
});

/** The window an answer used, as the tools return it. */
export const WindowOut = z.object({
  from: z.string(),
  to: z.string(),
  label: z.string(),
  asOf: z.string(),
  asOfSource: z.string(),
  live: z.boolean(),
});
