// `curator models status|pull|tiny`: what model folders are in MODELS_DIR, fetching one on a
// connected machine (from HF_ENDPOINT, the Hugging Face hub by default), and writing the tiny
// CLIP-shaped model the tests use. Nothing here runs at serve time: serving reads local folders only.
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.ts';
import { AppError } from '../core/errors.ts';
import { CLIP_FILES, KNOWN_MODELS, loadClip, modelStatus } from '../vision/clip.ts';

export const summary = 'show, fetch (on a connected machine) or generate the local CLIP model';

const USAGE = `usage: curator models status
       curator models pull [name] [--repo owner/name] [--revision main]
       curator models tiny <dir>

  status   what MODELS_DIR holds, and whether the configured CLIP_MODEL loads
  pull     download a CLIP model's ONNX export from HF_ENDPOINT into MODELS_DIR/<name>
           (default name: CLIP_MODEL; known: ${Object.keys(KNOWN_MODELS).join(', ')})
  tiny     write the tiny CLIP-shaped test model into <dir> (a plumbing check, not a real model)
`;

const mb = (n: number) =>
  n < 2 ** 20 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 2 ** 20).toFixed(1)} MB`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      repo: { type: 'string' },
      revision: { type: 'string', default: 'main' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, arg] = positionals;
  if (values.help || !command) {
    process.stderr.write(USAGE);
    return command || values.help ? 0 : 2;
  }
  const config = loadConfig();
  const { modelsDir, clipModel } = config.vision;
  if (command === 'status') {
    process.stdout.write(`MODELS_DIR ${modelsDir}\n`);
    const names = new Set([...(clipModel ? [clipModel] : []), ...Object.keys(KNOWN_MODELS)]);
    for (const name of names) {
      const s = await modelStatus(modelsDir, name);
      const mark = name === clipModel ? ' (CLIP_MODEL)' : '';
      process.stdout.write(
        s.present
          ? `  ${name}${mark}: present, ${mb(s.bytes)}\n`
          : `  ${name}${mark}: missing ${s.missing.length === CLIP_FILES.length ? 'every file' : s.missing.join(', ')}\n`,
      );
    }
    if (!clipModel) {
      process.stdout.write('CLIP is off (CLIP_MODEL=off): search uses the builtin embedding\n');
      return 0;
    }
    try {
      const clip = await loadClip(modelsDir, clipModel);
      process.stdout.write(`CLIP: ${clip.model} loads, ${clip.dims}-d\n`);
      return 0;
    } catch (e) {
      process.stdout.write(
        `CLIP: not available (${e instanceof Error ? e.message : e}); search uses the builtin embedding\n`,
      );
      return 1;
    }
  }
  if (command === 'pull') {
    const name = arg ?? clipModel;
    if (!name || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name)) {
      process.stderr.write(`curator models pull: give a model folder name\n\n${USAGE}`);
      return 2;
    }
    const repo = values.repo ?? KNOWN_MODELS[name]?.repo;
    if (!repo || !/^[\w.-]+\/[\w.-]+$/.test(repo)) {
      process.stderr.write(
        `curator models pull: "${name}" is not a known model; pass --repo owner/name (known: ${Object.keys(KNOWN_MODELS).join(', ')})\n`,
      );
      return 2;
    }
    await pull(config.vision.hubUrl, repo, values.revision!, path.join(modelsDir, name));
    const clip = await loadClip(modelsDir, name);
    process.stdout.write(`${name}: ${clip.model}, ${clip.dims}-d, ready in ${modelsDir}\n`);
    return 0;
  }
  if (command === 'tiny') {
    if (!arg) {
      process.stderr.write(`curator models tiny: give a folder\n\n${USAGE}`);
      return 2;
    }
    const { writeTinyClip } = await import('../vision/tiny-clip.ts');
    await writeTinyClip(path.resolve(arg));
    process.stdout.write(`tiny CLIP-shaped model written to ${path.resolve(arg)}\n`);
    return 0;
  }
  process.stderr.write(`curator models: unknown command "${command}"\n\n${USAGE}`);
  return 2;
}

/**
 * Downloads every file the CLIP folder needs into a temporary folder beside `dest`, then renames
 * it into place: an interrupted pull never leaves a half model that looks present.
 */
export async function pull(
  hub: string,
  repo: string,
  revision: string,
  dest: string,
  say: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
) {
  const part = `${dest}.part`;
  await rm(part, { recursive: true, force: true });
  for (const file of CLIP_FILES) {
    const url = `${hub}/${repo}/resolve/${encodeURIComponent(revision)}/${file}`;
    let res: Response;
    try {
      res = await fetch(url, { redirect: 'follow' });
    } catch (e) {
      throw new AppError(
        'unavailable',
        `cannot reach ${hub} for ${file} (${(e as Error).cause ?? (e as Error).message}); pull on a connected machine and copy ${dest} here`,
      );
    }
    if (!res.ok || !res.body) {
      throw new AppError('unavailable', `${url} answered ${res.status}`);
    }
    const to = path.join(part, file);
    await mkdir(path.dirname(to), { recursive: true });
    const total = Number(res.headers.get('content-length') ?? 0);
    let got = 0;
    let shown = 0;
    const progress = new Transform({
      transform(chunk: Buffer, _enc, done) {
        got += chunk.length;
        if (process.stderr.isTTY && got - shown > 2 ** 22) {
          shown = got;
          process.stderr.write(`\r${file} ${mb(got)}${total ? ` of ${mb(total)}` : ''}`);
        }
        done(null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(res.body as never), progress, createWriteStream(to));
    if (process.stderr.isTTY) process.stderr.write('\n');
    say(`  ${file}: ${mb(got)}`);
  }
  await rm(dest, { recursive: true, force: true });
  await mkdir(path.dirname(dest), { recursive: true });
  await rename(part, dest);
}
