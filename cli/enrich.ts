// `curator enrich [--step X] [--all | <id>...]`: computes what the semantic layer stores beside each
// asset (today: the builtin embedding), for assets ingested before a step existed. Resumable: a run
// skips what is current. Exit code 1 when some assets failed (they are listed), 2 for bad usage.
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.ts';
import { createDeps } from '../core/deps.ts';
import { isAppError } from '../core/errors.ts';
import { ENRICH_STEPS, type EnrichStep, enrich } from '../search/enrich.ts';
import { progressBar } from './progress.ts';

export const summary =
  'compute embeddings and read text in the images (OCR) for assets already stored';

const USAGE = `usage: curator enrich [--all | <asset id>...] [--step ${ENRICH_STEPS.join('|')}] [--force] [--json]

  --all     every asset in the library (the default when no id is given)
  --step X  only this step (repeatable); every step by default, except caption, which sends
            the picture to the configured model and runs only when asked (or VISION_CAPTION=auto)
  --force   recompute even where the stored result is current
  --purge faces  remove every stored face (and people count); VISION_FACES=off stops new ones
  --json    print only the report
`;

export async function run(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    process.stderr.write(`curator enrich: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stderr.write(USAGE);
    return 0;
  }
  const steps = values.step;
  const unknown = (steps ?? []).filter((s) => !ENRICH_STEPS.includes(s as EnrichStep));
  if (unknown.length) {
    process.stderr.write(
      `curator enrich: unknown step ${unknown.join(', ')}; steps: ${ENRICH_STEPS.join(', ')}\n`,
    );
    return 2;
  }
  if (values.purge !== undefined) {
    if (values.purge !== 'faces') {
      process.stderr.write('curator enrich: --purge takes "faces"\n');
      return 2;
    }
    const deps = await createDeps(loadConfig());
    try {
      const ids = positionals.length ? positionals : await deps.assets.allIds();
      for (const id of ids) await deps.assets.setPeople(id, null);
      process.stdout.write(
        `removed stored face data from ${ids.length} asset${ids.length === 1 ? '' : 's'}\n`,
      );
      return 0;
    } finally {
      await deps.close();
    }
  }
  if (values.all && positionals.length) {
    process.stderr.write('curator enrich: give --all or asset ids, not both\n');
    return 2;
  }
  const deps = await createDeps(loadConfig());
  const bar = progressBar('enrich', !values.json);
  const ac = new AbortController();
  const stop = () => ac.abort(new Error('interrupted'));
  process.once('SIGINT', stop);
  try {
    const report = await enrich(deps, {
      steps: steps as EnrichStep[] | undefined,
      ids: positionals.length ? positionals : undefined,
      force: values.force,
      signal: ac.signal,
      onProgress: (done, total) => {
        if (!bar) return;
        if (done === 0) bar.start(total, 0);
        else bar.update(done);
      },
    });
    bar?.stop();
    if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      const lines = [
        `enrich ${report.steps.join(', ')}: ${report.total} assets, ${report.computed} computed, ${report.current} already current, ${report.failed.length} failed`,
        ...report.failed.map((f) => `  ! ${f.id}: ${f.reason}`),
        ...report.notes.map((n) => `  note: ${n}`),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    return report.failed.length ? 1 : 0;
  } catch (e) {
    bar?.stop();
    if (ac.signal.aborted) {
      process.stderr.write('curator enrich: interrupted; run it again to resume\n');
      return 130;
    }
    if (isAppError(e) && (e.code === 'invalid_input' || e.code === 'not_found')) {
      process.stderr.write(`curator enrich: ${e.message}\n`);
      return 2;
    }
    throw e;
  } finally {
    process.off('SIGINT', stop);
    await deps.close();
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      all: { type: 'boolean', default: false },
      step: { type: 'string', multiple: true },
      force: { type: 'boolean', default: false },
      purge: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}
