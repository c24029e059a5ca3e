// Date ranges as people say them ("last month", "past 7 days", "in March", "Q2 2026"), resolved
// against a given day: the wall clock for "assets uploaded last week", the latest day with data
// for performance ("last month" on a flight that ended in May is April). Pure functions.

export interface DateRange {
  /** Inclusive first day, YYYY-MM-DD. */
  from?: string;
  /** Inclusive last day, YYYY-MM-DD. */
  to?: string;
  /** The words it came from, for the answer ("last 7 days"). */
  label: string;
}

export const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  fifty: 50,
  hundred: 100,
  dozen: 12,
};
const NUM = `(\\d{1,3}|${Object.keys(NUMBER_WORDS).join('|')})`;
const toNumber = (s: string) => NUMBER_WORDS[s.toLowerCase()] ?? Number.parseInt(s, 10);
const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

// ——— dates ———

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const MONTH_RE = `(${MONTHS.join('|')}|${MONTHS.map((m) => m.slice(0, 3)).join('|')})`;
const iso = (d: Date) => d.toISOString().slice(0, 10);
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d));
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000);

/** The ISO day `n` days after (or, negative, before) an ISO day. */
export const shiftDay = (day: string, n: number): string =>
  iso(addDays(new Date(`${day}T00:00:00Z`), n));
const monthIndex = (s: string) =>
  MONTHS.findIndex((m) => m.startsWith(s.toLowerCase().slice(0, 3)));

export function extractDateRange(lower: string, now: Date): DateRange | undefined {
  const today = utc(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const isoDate = '(\\d{4}-\\d{2}-\\d{2})';
  let m = lower.match(
    new RegExp(`\\b(?:between|from)\\s+${isoDate}\\s+(?:and|to|until|-)\\s+${isoDate}`),
  );
  if (m) return { from: m[1], to: m[2], label: `${m[1]} to ${m[2]}` };
  m = lower.match(new RegExp(`\\b(?:since|after|from)\\s+${isoDate}`));
  if (m) return { from: m[1], to: iso(today), label: `since ${m[1]}` };
  m = lower.match(new RegExp(`\\b(?:before|until|till|up to)\\s+${isoDate}`));
  if (m) return { to: m[1], label: `until ${m[1]}` };
  m = lower.match(new RegExp(`\\bon\\s+${isoDate}`));
  if (m) return { from: m[1], to: m[1], label: m[1]! };
  m = lower.match(new RegExp(`\\b(?:last|past|previous)\\s+${NUM}\\s+(days?|weeks?|months?)\\b`));
  if (m) {
    const n = toNumber(m[1]!);
    const unit = m[2]!.replace(/s$/, '');
    const days = unit === 'day' ? n : unit === 'week' ? n * 7 : n * 30;
    return {
      from: iso(addDays(today, -(days - 1))),
      to: iso(today),
      label: `last ${n} ${unit}${n === 1 ? '' : 's'}`,
    };
  }
  if (/\byesterday\b/.test(lower)) {
    const y = iso(addDays(today, -1));
    return { from: y, to: y, label: 'yesterday' };
  }
  if (/\btoday\b/.test(lower)) return { from: iso(today), to: iso(today), label: 'today' };
  m = lower.match(/\b(last|this|past)\s+(week|month|quarter|year)\b/);
  if (m) return relativePeriod(m[1]!, m[2]!, today);
  m = lower.match(/\bq([1-4])\s+(\d{4})\b/);
  if (m) {
    const q = Number(m[1]) - 1;
    const y = Number(m[2]);
    return { from: iso(utc(y, q * 3, 1)), to: iso(utc(y, q * 3 + 3, 0)), label: `Q${q + 1} ${y}` };
  }
  m = lower.match(new RegExp(`\\b(?:in|during|for|of|from)\\s+${MONTH_RE}(?:\\s+(\\d{4}))?\\b`));
  if (m) {
    const mi = monthIndex(m[1]!);
    let y = m[2] ? Number(m[2]) : today.getUTCFullYear();
    if (!m[2] && mi > today.getUTCMonth()) y--; // "in November" said in March means last November
    return {
      from: iso(utc(y, mi, 1)),
      to: iso(utc(y, mi + 1, 0)),
      label: `${capitalise(MONTHS[mi]!)} ${y}`,
    };
  }
  m = lower.match(/\b(?:in|during|for)\s+(20\d{2})\b/);
  if (m) return { from: `${m[1]}-01-01`, to: `${m[1]}-12-31`, label: m[1]! };
  return undefined;
}

function relativePeriod(which: string, unit: string, today: Date): DateRange {
  const y = today.getUTCFullYear();
  const mo = today.getUTCMonth();
  if (unit === 'week') {
    const dow = (today.getUTCDay() + 6) % 7; // Monday = 0
    const monday = addDays(today, -dow);
    if (which === 'this') return { from: iso(monday), to: iso(today), label: 'this week' };
    if (which === 'past')
      return { from: iso(addDays(today, -6)), to: iso(today), label: 'past week' };
    return { from: iso(addDays(monday, -7)), to: iso(addDays(monday, -1)), label: 'last week' };
  }
  if (unit === 'month') {
    if (which === 'this') return { from: iso(utc(y, mo, 1)), to: iso(today), label: 'this month' };
    if (which === 'past')
      return { from: iso(addDays(today, -29)), to: iso(today), label: 'past month' };
    return { from: iso(utc(y, mo - 1, 1)), to: iso(utc(y, mo, 0)), label: 'last month' };
  }
  if (unit === 'quarter') {
    const q = Math.floor(mo / 3);
    if (which === 'this')
      return { from: iso(utc(y, q * 3, 1)), to: iso(today), label: 'this quarter' };
    return { from: iso(utc(y, q * 3 - 3, 1)), to: iso(utc(y, q * 3, 0)), label: 'last quarter' };
  }
  if (which === 'this') return { from: `${y}-01-01`, to: iso(today), label: 'this year' };
  if (which === 'past')
    return { from: iso(addDays(today, -364)), to: iso(today), label: 'past year' };
  return { from: `${y - 1}-01-01`, to: `${y - 1}-12-31`, label: 'last year' };
}
