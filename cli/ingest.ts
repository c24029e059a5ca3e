// `curator ingest <file|dir|url>...`: a progress bar on a terminal, or exactly the JSON report with --json.
// Rejected files are reported, not fatal; the exit code is 1 only when something failed that a retry
// might fix (store or disk errors), 2 for bad usage.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.ts';
import { createDeps } from '../core/deps.ts';
import { isAppError } from '../core/errors.ts';
import { rippleReport, rippleSummary } from '../graph/ripple.ts';
import { replaceAssetFile } from '../graph/versions.ts';
import { fetchUrl } from '../ingest/fetch-url.ts';
import { type IngestReport, runIngest } from '../ingest/ingest.ts';
import { progressBar } from './progress.ts';

export const summary = 'add images (files, folders, http(s) URLs) to the library';

const USAGE = `usage: curator ingest <file|dir|url>... [--json] [--campaign X] [--allow-svg] [--concurrency N]
       curator ingest --replace <assetId> <file|url> [--note "what changed"] [--yes] [--json]

  Folders are walked recursively (dotfiles skipped, symlinks kept inside the folder).
  Files are typed by content: JPEG, PNG, WebP, AVIF, TIFF and GIF are accepted.

  --json           print only the report: { "ingested", "duplicates", "rejected" }
  --campaign X     add every ingested (or already known) asset to campaign X (id, slug or name)
  --allow-svg      accept SVG files (checked for external references, then rasterised)
  --concurrency N  images in flight at once (default: 3 per CPU, 4..8)

  --replace ID     the file becomes asset ID's next version (its history is kept), then every
                   rendition and cut derived from it is re-made from its recipe (the ripple)
  --note TEXT      what changed, kept in the version history
  --yes            you approve the ripple: without it, a ripple of more than RIPPLE_APPROVAL_ABOVE
                   files or touching a live placement waits (start-ripple in the chat starts it)
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
  if (values.replace) return replace(values.replace, positionals, values);
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

async function replace(
  assetId: string,
  positionals: string[],
  values: { json?: boolean; yes?: boolean; note?: string },
): Promise<number> {
  if (positionals.length !== 1) {
    process.stderr.write(`curator ingest: --replace takes one file or URL\n\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  const deps = await createDeps(config);
  try {
    const src = positionals[0]!;
    const data = /^https?:\/\//i.test(src)
      ? (await fetchUrl(src, config.urlFetch)).data
      : await readFile(src);
    const by = process.env.USER || 'cli';
    const v = await replaceAssetFile(deps, assetId, data, {
      name: /^https?:/i.test(src) ? undefined : path.basename(src),
      note: values.note,
      by,
      approvedBy: values.yes ? by : undefined,
      waitMs: 24 * 3600_000,
    });
    const ripple = v.ripple ? rippleSummary(v.ripple) : null;
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ ...v, asset: v.asset.id, ripple }, null, 2)}\n`);
    } else if (v.status === 'unchanged') {
      process.stdout.write(`${v.asset.id} already has that file (version ${v.asset.version})\n`);
    } else {
      process.stdout.write(
        `${v.asset.id} is now at version ${v.asset.version} (was ${v.previous})\n${ripple ? `${rippleReport(ripple)}\n` : 'nothing derives from it\n'}`,
      );
    }
    return ripple && ripple.counts.failed > 0 ? 1 : 0;
  } catch (e) {
    if (isAppError(e) && e.status < 500) {
      process.stderr.write(`curator ingest: ${e.message}\n`);
      return 2;
    }
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      process.stderr.write(`curator ingest: no file ${positionals[0]}\n`);
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
      replace: { type: 'string' },
      note: { type: 'string' },
      yes: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}
