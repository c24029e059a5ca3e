// Performance exports into daily facts: CSV (or tab-separated, UTF-8 or UTF-16 as Google Ads
// writes it) with a preset's column set, the title and total rows of the exports skipped. Every
// row is validated; a bad row is reported with its line number and reason and the rest still load.
// Rows are summed per placement and day and written by that key, so importing the same file again
// replaces what it wrote instead of counting it twice. Unknown assets or placements are reported,
// never invented (match.ts).
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { Services } from '../../core/deps.ts';
import { AppError } from '../../core/errors.ts';
import type { PerfDaily } from '../../store/models.ts';
import { createMatcher } from './match.ts';
import { FIELDS, type Field, locate, PRESETS, type Preset } from './presets.ts';

export interface ImportOptions {
  preset?: string;
  /** Column names that differ from the preset's ("spend=Kosten"). */
  columns?: Partial<Record<Field, string>>;
  /** The library's currency; spend and revenue in another need a rate. */
  currency?: string;
  /** Units of `currency` per unit of another ("EUR" → 1.08). */
  rates?: Record<string, number>;
  /** The account's currency when the export does not say it. */
  accountCurrency?: string;
  /** The account's time zone: days are kept as the account's own calendar days. */
  timezone?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface ImportReport {
  preset: string;
  /** Data rows read (title, header and total rows not counted). */
  rows: number;
  /** Rows that matched a placement and loaded. */
  matched: number;
  /** Placement-days written (rows of one placement and day are summed). */
  written: number;
  placements: number;
  days: { first: string; last: string } | null;
  bad: { line: number; reason: string }[];
  unmatched: { line: number; ref: string; reason: string }[];
  skipped: { line: number; text: string }[];
  currency: string;
  converted: Record<string, number>;
  timezone?: string;
}

const Row = z.object({
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'day must be YYYY-MM-DD'),
  impressions: z.number().int('impressions must be a whole number').min(0),
  clicks: z.number().int('clicks must be a whole number').min(0),
  conversions: z.number().min(0),
  spend: z.number().min(0),
  revenue: z.number().min(0),
});

const MAX_ROWS = 2_000_000;

/** Text of the file: UTF-16 (with its BOM, as Google Ads writes it) or UTF-8. */
function decode(data: Buffer | string): string {
  if (typeof data === 'string') return data;
  if (data[0] === 0xff && data[1] === 0xfe) return data.subarray(2).toString('utf16le');
  if (data[0] === 0xfe && data[1] === 0xff) {
    const swapped = Buffer.from(data.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return data.toString('utf8').replace(/^\uFEFF/, '');
}

/** "1,234", "$12.50", "12.5 €", "--": a number, or undefined for text that is not one. */
function number(raw: string | undefined): number | undefined {
  const s = (raw ?? '').trim();
  if (s === '' || s === '--' || s === '-') return 0;
  const cleaned = s.replace(/[\s$€£¥]|[A-Z]{3}$/g, '').replace(/,(?=\d{3}(?:\D|$))/g, '');
  if (!/^-?\d+(?:\.\d+)?$/.test(cleaned)) return undefined;
  return Number(cleaned);
}

/** A day in ISO form; "2026-03-01 00:00:00" and "2026/03/01" are accepted. */
const isoDay = (raw: string) => raw.trim().replace(/\//g, '-').slice(0, 10);

export async function importPerformanceCsv(
  deps: Pick<Services, 'performance' | 'catalog' | 'assets'>,
  data: Buffer | string,
  opts: ImportOptions = {},
): Promise<ImportReport> {
  const preset: Preset | undefined = PRESETS[opts.preset ?? 'generic'];
  if (!preset)
    throw new AppError(
      'invalid_input',
      `unknown preset "${opts.preset}"; presets: ${Object.keys(PRESETS).join(', ')}`,
    );
  const text = decode(data);
  const firstLines = text.split(/\r?\n/, 12);
  const delimiter = [',', '\t', ';'].reduce((best, d) =>
    count(firstLines, d) > count(firstLines, best) ? d : best,
  );
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    throw new AppError('invalid_input', `not a readable CSV file: ${(e as Error).message}`);
  }
  if (records.length > MAX_ROWS)
    throw new AppError(
      'too_large',
      `more than ${MAX_ROWS.toLocaleString('en-US')} rows: split the file`,
    );

  const report = emptyReport(preset.name, opts);
  // The header is the first row that holds the columns every row needs; lines before it are the
  // export's title block ("Ad report", "1 March 2026 - 31 May 2026").
  let at = -1;
  let cols: Partial<Record<Field, number>> = {};
  for (let i = 0; i < Math.min(records.length, 30); i++) {
    const c = locate(records[i]!.record, preset, opts.columns);
    if (c.day !== undefined && c.impressions !== undefined && c.clicks !== undefined) {
      at = i;
      cols = c;
      break;
    }
    report.skipped.push({
      line: records[i]!.info.lines,
      text: records[i]!.record.join(' ').slice(0, 80),
    });
  }
  if (at < 0) {
    const want = (f: Field) => (opts.columns?.[f] ? [opts.columns[f]!] : (preset.columns[f] ?? []));
    throw new AppError(
      'invalid_input',
      `no header row with the ${preset.label} columns: a day (${want('day').join(' or ')}), impressions (${want('impressions').join(' or ')}) and clicks (${want('clicks').join(' or ')}); pick another --preset or name the columns`,
    );
  }
  const header = records[at]!.record;
  const headerCurrency =
    cols.spend !== undefined ? /\(([A-Z]{3})\)/.exec(header[cols.spend]!)?.[1] : undefined;
  const body = records.slice(at + 1);
  const rows: SourceRow[] = body.map(({ record: r, info }) => {
    const cell = (f: Field) => (cols[f] === undefined ? undefined : r[cols[f]!]?.trim());
    const first = (r[0] ?? '').trim();
    return {
      line: info.lines,
      cell,
      total:
        /^(?:grand )?totals?\b|^total:/i.test(first) || (!cell('day') && /total/i.test(r.join(' ')))
          ? r.join(' ').slice(0, 80)
          : undefined,
    };
  });
  return loadRows(deps, preset.source, rows, report, { ...opts, headerCurrency });
}

export function emptyReport(preset: string, opts: ImportOptions): ImportReport {
  return {
    preset,
    rows: 0,
    matched: 0,
    written: 0,
    placements: 0,
    days: null,
    bad: [],
    unmatched: [],
    skipped: [],
    currency: (opts.currency ?? 'USD').toUpperCase(),
    converted: {},
    timezone: opts.timezone,
  };
}

/** One row of any source: its line (or position), its cells by field, and whether it is a total. */
export interface SourceRow {
  line: number;
  cell(f: Field): string | undefined;
  /** Set for the export's total rows: the text they hold (they are skipped, never loaded). */
  total?: string;
  /** Set when the source already knows the row is unreadable: the reason. */
  invalid?: string;
}

/**
 * Validates, matches, converts and sums rows, then writes them by (placement, day); shared by the
 * CSV presets and the Meta API connector.
 */
export async function loadRows(
  deps: Pick<Services, 'performance' | 'catalog' | 'assets'>,
  source: string,
  body: readonly SourceRow[],
  report: ImportReport,
  opts: ImportOptions & { headerCurrency?: string },
): Promise<ImportReport> {
  const headerCurrency = opts.headerCurrency;
  const match = await createMatcher(deps, source);
  const sums = new Map<string, PerfDaily>();
  for (let i = 0; i < body.length; i++) {
    const { line, cell, total, invalid } = body[i]!;
    if (i % 5000 === 0) opts.onProgress?.(i, body.length);
    if (total !== undefined) {
      report.skipped.push({ line, text: total });
      continue;
    }
    report.rows++;
    if (invalid) {
      report.bad.push({ line, reason: invalid });
      continue;
    }
    const raw = {
      day: isoDay(cell('day') ?? ''),
      impressions: number(cell('impressions')),
      clicks: number(cell('clicks')),
      conversions: number(cell('conversions')),
      spend: number(cell('spend')),
      revenue: number(cell('revenue')),
    };
    const notNumber = (['impressions', 'clicks', 'conversions', 'spend', 'revenue'] as const).find(
      (f) => raw[f] === undefined,
    );
    if (notNumber) {
      report.bad.push({ line, reason: `${notNumber} is not a number: "${cell(notNumber)}"` });
      continue;
    }
    const parsed = Row.safeParse(raw);
    if (!parsed.success) {
      report.bad.push({
        line,
        reason: parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; '),
      });
      continue;
    }
    const row = parsed.data;
    if (row.clicks > row.impressions) {
      report.bad.push({
        line,
        reason: `clicks (${row.clicks}) exceed impressions (${row.impressions})`,
      });
      continue;
    }
    const currency = (
      cell('currency') ||
      headerCurrency ||
      opts.accountCurrency ||
      report.currency
    ).toUpperCase();
    let rate = 1;
    if (currency !== report.currency) {
      const given = opts.rates?.[currency];
      if (!given) {
        report.bad.push({
          line,
          reason: `spend is in ${currency}, the library counts ${report.currency}: give a rate (--rate ${currency}=<${report.currency} per ${currency}>) or import ${currency} accounts apart`,
        });
        continue;
      }
      rate = given;
    }
    const found = match({
      placement: cell('placement'),
      adId: cell('adId'),
      adName: cell('adName'),
      campaign: cell('campaign'),
      market: cell('market'),
    });
    if (!found.placement) {
      report.unmatched.push({ line, ref: found.ref, reason: found.reason ?? 'unmatched' });
      continue;
    }
    report.matched++;
    if (rate !== 1 || currency !== report.currency)
      report.converted[currency] = (report.converted[currency] ?? 0) + 1;
    const key = `${found.placement}|${row.day}`;
    const s = sums.get(key) ?? {
      placement: found.placement,
      day: row.day,
      impressions: 0,
      clicks: 0,
      conversions: 0,
      spend: 0,
      revenue: 0,
    };
    s.impressions += row.impressions;
    s.clicks += row.clicks;
    s.conversions += row.conversions;
    s.spend += row.spend * rate;
    s.revenue += row.revenue * rate;
    sums.set(key, s);
  }
  const facts = [...sums.values()].map((s) => ({
    ...s,
    // Conversions may be fractional in exports (attribution models); stored whole per day.
    conversions: Math.round(s.conversions),
    spend: Math.round(s.spend * 100) / 100,
    revenue: Math.round(s.revenue * 100) / 100,
  }));
  const chunk = 500;
  for (let i = 0; i < facts.length; i += chunk) {
    await deps.performance.upsertDaily(facts.slice(i, i + chunk));
    opts.onProgress?.(body.length, body.length);
  }
  report.written = facts.length;
  report.placements = new Set(facts.map((f) => f.placement)).size;
  const days = facts.map((f) => f.day).sort();
  report.days = days.length ? { first: days[0]!, last: days.at(-1)! } : null;
  opts.onProgress?.(body.length, body.length);
  return report;
}

function count(lines: readonly string[], d: string): number {
  return lines.reduce((n, l) => n + l.split(d).length - 1, 0);
}

/** "EUR=1.08" pairs: units of the library's currency per unit of another. */
export function parseRates(pairs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of pairs) {
    const m = /^([A-Za-z]{3})\s*[=:]\s*(\d+(?:\.\d+)?)$/.exec(p.trim());
    if (!m || Number(m[2]) <= 0)
      throw new AppError('invalid_input', `a rate is CODE=number, like EUR=1.08: "${p}"`);
    out[m[1]!.toUpperCase()] = Number(m[2]);
  }
  return out;
}

/** "spend=Kosten" pairs: the export's own name for a field. */
export function parseColumns(pairs: readonly string[]): Partial<Record<Field, string>> {
  const out: Partial<Record<Field, string>> = {};
  for (const p of pairs) {
    const at = p.indexOf('=');
    const field = p.slice(0, at).trim() as Field;
    if (at < 1 || !FIELDS.includes(field) || !p.slice(at + 1).trim())
      throw new AppError(
        'invalid_input',
        `a column is field=Header, with field one of ${FIELDS.join(', ')}: "${p}"`,
      );
    out[field] = p.slice(at + 1).trim();
  }
  return out;
}

/** A mapping file: the platform's ad or creative id and the placement it stands for. */
export function parseMapping(text: string): { external: string; placement: string }[] {
  const rows = parse(decode(text), { columns: true, skip_empty_lines: true, trim: true }) as Record<
    string,
    string
  >[];
  return rows.map((r, i) => {
    const lower = Object.fromEntries(Object.entries(r).map(([k, v]) => [k.toLowerCase(), v]));
    const external = lower['ad id'] ?? lower.ad_id ?? lower.external_id ?? lower['creative id'];
    const placement = lower.placement ?? lower['placement id'] ?? lower.placement_id;
    if (!external || !placement)
      throw new AppError(
        'invalid_input',
        `mapping line ${i + 2}: needs an "ad id" (or external_id, creative id) and a "placement" column`,
      );
    return { external, placement };
  });
}

/** Stores a mapping for a preset's platform; placements that do not exist are reported, not kept. */
export async function storeMapping(
  deps: Pick<Services, 'performance' | 'catalog'>,
  preset: string,
  pairs: readonly { external: string; placement: string }[],
): Promise<{ stored: number; unknown: string[] }> {
  const source = PRESETS[preset]?.source;
  if (!source) throw new AppError('invalid_input', `unknown preset "${preset}"`);
  const known = new Set((await deps.catalog.placements()).map((p) => p.id));
  const ok = pairs.filter((p) => known.has(p.placement));
  await deps.performance.putMappings(source, ok);
  return {
    stored: ok.length,
    unknown: [...new Set(pairs.filter((p) => !known.has(p.placement)).map((p) => p.placement))],
  };
}
