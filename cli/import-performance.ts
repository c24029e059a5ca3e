// `curator import-performance <file> [--preset X]`: loads an ad platform's export (CSV or TSV) as
// daily results per placement. Bad rows are listed with their line numbers and the rest load;
// rows that match no placement are listed, never invented. Exit code 1 when some rows did not
// load, 2 for bad usage.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.ts';
import { createDeps } from '../core/deps.ts';
import { isAppError } from '../core/errors.ts';
import {
  type ImportReport,
  importPerformanceCsv,
  parseColumns,
  parseMapping,
  parseRates,
  storeMapping,
} from '../insights/import/csv.ts';
import { importMetaInsights } from '../insights/import/meta-api.ts';
import { PRESETS } from '../insights/import/presets.ts';
import { progressBar } from './progress.ts';

export const summary =
  'load ad results (Google Ads, Meta, CM360 or generic CSV) per placement and day';

const USAGE = `usage: curator import-performance <file> [--preset ${Object.keys(PRESETS).join('|')}] [options]
       curator import-performance --meta act_<id> --since YYYY-MM-DD --until YYYY-MM-DD [options]

  --preset X          the export's column set (default generic):
${Object.values(PRESETS)
  .map((p) => `                        ${p.name.padEnd(11)} ${p.label}`)
  .join('\n')}
  --meta ACCOUNT       read the Meta Marketing API's ad-level insights by day instead of a file
                      (META_ACCESS_TOKEN with ads_read; ad ids are matched through --map)
  --since, --until    the days to read from the API
  --map FILE          first store a mapping (CSV: "ad id", "placement") of the platform's ids
  --rate CODE=N       N library-currency units per unit of CODE, e.g. --rate EUR=1.08 (repeatable)
  --account-currency  the account's currency when the export does not say it
  --timezone TZ       the account's time zone (days are kept as the account's own days)
  --column F=Header   the export's own name for a field (repeatable), e.g. --column spend=Kosten
  --json              print only the report
`;

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      preset: { type: 'string', default: 'generic' },
      map: { type: 'string' },
      meta: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      rate: { type: 'string', multiple: true },
      'account-currency': { type: 'string' },
      timezone: { type: 'string' },
      column: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

export async function run(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    process.stderr.write(`curator import-performance: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stderr.write(USAGE);
    return 0;
  }
  if (values.meta && positionals.length) {
    process.stderr.write('curator import-performance: give a file or --meta, not both\n');
    return 2;
  }
  if (values.meta && (!values.since || !values.until)) {
    process.stderr.write('curator import-performance: --meta needs --since and --until\n');
    return 2;
  }
  if (!values.meta && positionals.length !== 1 && !(values.map && positionals.length === 0)) {
    process.stderr.write(`curator import-performance: give one file\n\n${USAGE}`);
    return 2;
  }
  let options: Parameters<typeof importPerformanceCsv>[2];
  let data: Buffer | undefined;
  let mapping: string | undefined;
  try {
    options = {
      preset: values.preset,
      rates: parseRates(values.rate ?? []),
      columns: parseColumns(values.column ?? []),
      accountCurrency: values['account-currency'],
      timezone: values.timezone,
    };
    if (!PRESETS[values.preset]) throw new Error(`unknown preset "${values.preset}"`);
    if (values.map) mapping = await readFile(values.map, 'utf8');
    if (positionals[0]) data = await readFile(positionals[0]);
  } catch (e) {
    process.stderr.write(`curator import-performance: ${(e as Error).message}\n`);
    return 2;
  }
  const config = loadConfig();
  const deps = await createDeps(config);
  const bar = progressBar('import', !values.json);
  try {
    if (mapping !== undefined) {
      const m = await storeMapping(
        deps,
        values.meta ? 'meta' : values.preset,
        parseMapping(mapping),
      );
      process.stderr.write(
        `mapping: ${m.stored} ad id${m.stored === 1 ? '' : 's'} stored${m.unknown.length ? `; unknown placements left out: ${m.unknown.join(', ')}` : ''}\n`,
      );
    }
    const onProgress = (done: number, total: number) => {
      if (!bar) return;
      if (done === 0) bar.start(total, 0);
      else bar.update(done);
    };
    let report: ImportReport;
    if (values.meta) {
      if (!config.performance.metaToken) {
        process.stderr.write(
          'curator import-performance: set META_ACCESS_TOKEN (a token with ads_read)\n',
        );
        return 2;
      }
      report = await importMetaInsights(deps, {
        ...options,
        account: values.meta,
        since: values.since!,
        until: values.until!,
        token: config.performance.metaToken,
        graphUrl: config.performance.metaGraphUrl,
        currency: config.performance.currency,
        onProgress,
      });
    } else if (data) {
      report = await importPerformanceCsv(deps, data, {
        ...options,
        currency: config.performance.currency,
        onProgress,
      });
    } else return 0;
    bar?.stop();
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : text(report));
    return report.bad.length || report.unmatched.length ? 1 : 0;
  } catch (e) {
    bar?.stop();
    if (isAppError(e)) {
      process.stderr.write(`curator import-performance: ${e.message}\n`);
      return e.code === 'invalid_input' ? 2 : 1;
    }
    throw e;
  } finally {
    await deps.close();
  }
}

function text(r: ImportReport): string {
  const lines = [
    `${r.rows} row${r.rows === 1 ? '' : 's'} read (${r.preset}): ${r.matched} loaded as ${r.written} placement-days over ${r.placements} placement${r.placements === 1 ? '' : 's'}${r.days ? `, ${r.days.first} to ${r.days.last}` : ''}; ${r.bad.length} bad, ${r.unmatched.length} unmatched; amounts in ${r.currency}${
      Object.keys(r.converted).length
        ? ` (converted: ${Object.entries(r.converted)
            .map(([c, n]) => `${n} rows from ${c}`)
            .join(', ')})`
        : ''
    }${r.timezone ? `; days are the account's (${r.timezone})` : ''}`,
  ];
  const list = (title: string, items: string[]) => {
    if (!items.length) return;
    lines.push(`${title}:`);
    for (const i of items.slice(0, 50)) lines.push(`  ${i}`);
    if (items.length > 50) lines.push(`  … and ${items.length - 50} more (--json lists them all)`);
  };
  list(
    'bad rows',
    r.bad.map((b) => `line ${b.line}: ${b.reason}`),
  );
  list(
    'unmatched rows',
    r.unmatched.map((u) => `line ${u.line}: ${u.reason}`),
  );
  return `${lines.join('\n')}\n`;
}
