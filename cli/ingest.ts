// `curator ingest <file|dir|url>...`: a progress bar on a terminal, or exactly the JSON report with --json.
// Rejected files are reported, not fatal; the exit code is 1 only when something failed that a retry
// might fix (store or disk errors), 2 for bad usage.
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.ts';
import { createDeps } from '../core/deps.ts';
import { isAppError } from '../core/errors.ts';
import { type IngestReport, runIngest } from '../ingest/ingest.ts';
import { progressBar } from './progress.ts';

export const summary = 'add images (files, folders, http(s) URLs) to the library';

const USAGE = `usage: curator ingest <file|dir|url>... [--json] [--campaign X] [--allow-svg] [--concurrency N]

  Folders are walked recursively (dotfiles skipped, symlinks kept inside the folder).
  Files are typed by content: JPEG, PNG, WebP, AVIF, TIFF and GIF are accepted.

  --json           print only the report: { "ingested", "duplicates", "rejected" }
  --campaign X     add every ingested (or already known) asset to campaign X (id, slug or name)
  --allow-svg      accept SVG files (checked for external references, then rasterised)
  --concurrency N  images in flight at once (default: 3 per CPU, 4..8)
`;

function humanReport(r: IngestReport): string {
  const lines = [
    `ingested ${r.ingested.length}, duplicates ${r.duplicates.length}, rejected ${r.rejected.length}`,
  ];
  for (const x of r.ingested) lines.push(`  + ${x.source} -> ${x.id}`);
  for (const x of r.duplicates) lines.push(`  = ${x.source} (already asset ${x.id})`);
  for (const x of r.rejected) lines.push(`  ! ${x.source}: ${x.reason}`);
  return `${lines.join('\n')}\n`;
}

export async function run(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (e) {
    process.stderr.write(`curator ingest: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.help) {
    process.stderr.write(USAGE);
    return 0;
  }
  if (positionals.length === 0) {
    process.stderr.write(`curator ingest: nothing to ingest\n\n${USAGE}`);
    return 2;
  }
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (
    concurrency !== undefined &&
    (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
  ) {
    process.stderr.write('curator ingest: --concurrency must be an integer from 1 to 64\n');
    return 2;
  }

  const config = loadConfig();
  const deps = await createDeps(config);
  const bar = progressBar('ingest', !values.json);
  try {
    const { report, failures } = await runIngest(deps, positionals, {
      campaign: values.campaign,
      allowSvg: values['allow-svg'],
      concurrency,
      onProgress: (done, total) => {
        if (!bar) return;
        if (done === 0) bar.start(total, 0);
        else bar.update(done);
      },
    });
    bar?.stop();
    process.stdout.write(
      values.json ? `${JSON.stringify(report, null, 2)}\n` : humanReport(report),
    );
    return failures > 0 ? 1 : 0;
  } catch (e) {
    bar?.stop();
    if (isAppError(e) && (e.code === 'not_found' || e.code === 'invalid_input')) {
      process.stderr.write(`curator ingest: ${e.message}\n`);
      return 2;
    }
    throw e;
  } finally {
    await deps.close();
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean', default: false },
      campaign: { type: 'string' },
      'allow-svg': { type: 'boolean', default: false },
      concurrency: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}
