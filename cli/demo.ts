// `curator demo`: builds the Northpeak demo library into the configured data folder (safe to rerun:
// identical images are recognised and nothing is duplicated). --json prints only the report.
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.ts';
import { createDeps } from '../core/deps.ts';
import { buildDemoLibrary, type DemoReport } from '../demo/build.ts';
import { progressBar } from './progress.ts';

export const summary =
  'build the demo library (brand, campaigns, creatives, performance) in DATA_DIR';

const USAGE = `usage: curator demo [--seed N] [--json]

  Renders the Northpeak demo brand: 42 master creatives, renditions for 5 channels, localized
  cuts (de-DE, fr-FR, ja-JP), placements and 90 days of daily performance, and writes the answer
  key to $DATA_DIR/demo-ground-truth.json. Running it again adds nothing.

  --seed N another draw of the same plan (the same planted effects over other designs and
           results; 0, the default, is the library everyone gets); use an empty DATA_DIR
  --json   print only the report as JSON
`;

function humanReport(r: DemoReport): string {
  const lines = [
    `demo library ready in ${r.elapsedSeconds}s`,
    `  brands ${r.brands}, campaigns ${r.campaigns}, channels ${r.channels}`,
    `  masters ${r.masters}, renditions ${r.renditions}, localized ${r.localized}`,
    `  placements ${r.placements}, daily performance rows ${r.perfRows}`,
    `  new assets ${r.ingested}, already present ${r.duplicates}, with brand violations ${r.assetsWithViolations}`,
    `  ground truth: ${r.groundTruthPath}`,
    ...r.notes.map((n) => `  note: ${n}`),
  ];
  return `${lines.join('\n')}\n`;
}

export async function run(argv: string[]): Promise<number> {
  let values: { json: boolean; help: boolean; seed?: string };
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      options: {
        json: { type: 'boolean', default: false },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (e) {
    process.stderr.write(`curator demo: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stderr.write(USAGE);
    return 0;
  }
  const seed = values.seed === undefined ? 0 : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) {
    process.stderr.write(`curator demo: --seed takes a whole number, 0 or more\n\n${USAGE}`);
    return 2;
  }
  const deps = await createDeps(loadConfig());
  const bar = progressBar('demo {step}', !values.json);
  let current = '';
  try {
    const report = await buildDemoLibrary(deps, {
      seed,
      onProgress: (step, done, total) => {
        if (!bar) return;
        if (step !== current) {
          if (current) bar.stop();
          current = step;
          bar.start(total, done, { step });
        } else bar.update(done);
      },
    });
    bar?.stop();
    process.stdout.write(
      values.json ? `${JSON.stringify(report, null, 2)}\n` : humanReport(report),
    );
    return 0;
  } finally {
    bar?.stop();
    await deps.close();
  }
}
