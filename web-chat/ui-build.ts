// The browser UI (web-chat/ui, React with @ai-sdk/react) is built by Vite into web-chat/ui/dist.
// `curator serve` builds it when the sources are newer than the build, so `npm start` needs no
// extra step; `npm run build:web` does it ahead of time (the Docker image does, as root). The build
// goes to a temporary folder that replaces the old one, so a page never loads half a build.
import { randomBytes } from 'node:crypto';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const UI_DIR = path.join(here, 'ui');
export const UI_DIST = path.join(UI_DIR, 'dist');
/** Sources the bundle is made of: the UI, and the shared view and message shapes. */
const SOURCES = [
  path.join(UI_DIR, 'src'),
  path.join(UI_DIR, 'index.html'),
  path.join(here, 'chat-types.ts'),
  path.join(here, 'ui-build.ts'),
  path.join(here, '..', 'core', 'views.ts'),
];

async function newest(p: string): Promise<number> {
  const s = await stat(p).catch(() => null);
  if (!s) return 0;
  if (!s.isDirectory()) return s.mtimeMs;
  let m = s.mtimeMs;
  for (const e of await readdir(p)) m = Math.max(m, await newest(path.join(p, e)));
  return m;
}

/** Whether dist holds a build at least as new as every source. */
export async function uiIsCurrent(): Promise<boolean> {
  const built = await stat(path.join(UI_DIST, 'index.html')).catch(() => null);
  if (!built) return false;
  const sources = Math.max(...(await Promise.all(SOURCES.map(newest))));
  return built.mtimeMs >= sources;
}

export async function buildUi(): Promise<void> {
  const { build } = await import('vite');
  const tmp = `${UI_DIST}.tmp-${randomBytes(4).toString('hex')}`;
  await build({
    configFile: false,
    root: UI_DIR,
    base: '/ui/',
    mode: 'production',
    // React's production build whatever NODE_ENV the caller runs under (vitest sets "test").
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    logLevel: 'warn',
    oxc: { jsx: { runtime: 'automatic', importSource: 'react', development: false } },
    build: {
      outDir: tmp,
      emptyOutDir: true,
      sourcemap: false,
      chunkSizeWarningLimit: 2000,
      rolldownOptions: {
        // React libraries mark themselves "use client", which means nothing in a plain bundle.
        onwarn(w, warn) {
          if (w.code !== 'MODULE_LEVEL_DIRECTIVE') warn(w);
        },
      },
    },
  });
  const old = `${UI_DIST}.old-${randomBytes(4).toString('hex')}`;
  await rename(UI_DIST, old).catch(() => {});
  await rename(tmp, UI_DIST);
  await rm(old, { recursive: true, force: true });
}

/** Builds the UI unless the build is current; false when it could not be built (the log says why). */
export async function ensureUi(log?: {
  info(o: object, m: string): void;
  warn(o: object, m: string): void;
}): Promise<boolean> {
  if (await uiIsCurrent()) return true;
  const started = Date.now();
  try {
    await buildUi();
    log?.info({ seconds: (Date.now() - started) / 1000 }, 'built the web UI');
    return true;
  } catch (err) {
    log?.warn({ err }, 'could not build the web UI; `npm run build:web` shows why');
    return false;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  buildUi().then(
    () => {
      process.stdout.write(`built ${path.relative(process.cwd(), UI_DIST)}\n`);
      process.exit(0);
    },
    (e) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
