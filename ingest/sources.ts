// Turns the command line's files, folders and URLs into a flat list of things to ingest. Folders are
// walked recursively; dotfiles are skipped; symlinks are followed only while they stay inside the
// folder that was given, and never into directories (no cycles).
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

export type SourceItem =
  | { kind: 'file'; source: string; path: string }
  | { kind: 'url'; source: string; url: string }
  /** A source that cannot be ingested at all; it is reported with this reason. */
  | { kind: 'invalid'; source: string; reason: string };

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

const within = (root: string, p: string) => p === root || p.startsWith(root + path.sep);

async function walk(dir: string, root: string, out: SourceItem[]): Promise<void> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    out.push({
      kind: 'invalid',
      source: dir,
      reason: `cannot read folder: ${(e as NodeJS.ErrnoException).code}`,
    });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) await walk(p, root, out);
    else if (entry.isFile()) out.push({ kind: 'file', source: p, path: p });
    else if (entry.isSymbolicLink()) {
      const target = await realpath(p).catch(() => null);
      if (!target) {
        out.push({ kind: 'invalid', source: p, reason: 'broken symlink' });
      } else if (!within(root, target)) {
        out.push({
          kind: 'invalid',
          source: p,
          reason: 'symlink points outside the folder; not followed',
        });
      } else {
        const s = await stat(target).catch(() => null);
        if (s?.isFile()) out.push({ kind: 'file', source: p, path: target });
      }
    }
    // Sockets, FIFOs and devices are skipped: reading a FIFO would block the batch.
  }
}

export async function expandSources(sources: readonly string[]): Promise<SourceItem[]> {
  const out: SourceItem[] = [];
  for (const source of sources) {
    if (URL_LIKE.test(source)) {
      out.push({ kind: 'url', source, url: source });
      continue;
    }
    const s = await stat(source).catch((e: NodeJS.ErrnoException) => e);
    if (s instanceof Error) {
      const reason =
        s.code === 'ENOENT' ? 'no such file or folder' : `cannot open: ${s.code ?? s.message}`;
      out.push({ kind: 'invalid', source, reason });
    } else if (s.isDirectory()) {
      await walk(source, await realpath(source), out);
    } else if (s.isFile()) {
      out.push({ kind: 'file', source, path: source });
    } else {
      out.push({ kind: 'invalid', source, reason: 'not a regular file' });
    }
  }
  return out;
}
