// Resolving what a change covers: a list of ids (all must exist) or a selection by description
// (every match, however many), and the one line that tells a person what they are approving.
import { AppError } from '../core/errors.ts';
import type { AssetsRepository } from '../store/assets.repository.ts';
import { parseKey } from '../store/ids.ts';
import type { NameResolver } from './resolve.ts';
import { isEmptySelection, resolveSelection, type Selection } from './selection.ts';

export interface Targets {
  ids: string[];
  /** "93 assets (campaign Summer Sale: 14 masters, 70 renditions, 9 localized)". */
  description: string;
}

export async function resolveTargets(
  svc: { assets: AssetsRepository; names: NameResolver },
  input: { assetIds?: string[]; assetId?: string; selection?: Selection },
): Promise<Targets> {
  if (input.selection && !isEmptySelection(input.selection)) {
    const { filter, read } = await resolveSelection(input.selection, svc.names, {
      forChange: true,
    });
    const matches = await svc.assets.matching(filter);
    if (!matches.length) {
      throw new AppError('not_found', `no assets match ${read.join(', ')}; nothing to change`);
    }
    const kinds = new Map<string, number>();
    for (const m of matches) kinds.set(m.kind, (kinds.get(m.kind) ?? 0) + 1);
    const breakdown = [...kinds]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${n} ${k === 'localized' ? 'localized' : `${k}${n === 1 ? '' : 's'}`}`)
      .join(', ');
    return {
      ids: matches.map((m) => m.id),
      description: `${count(matches.length)} (${read.join(', ')}: ${breakdown})`,
    };
  }
  const given = input.assetIds ?? (input.assetId ? [input.assetId] : []);
  if (!given.length) {
    // An empty selection would be the whole library: a change that large must say so in filters.
    throw new AppError(
      'invalid_input',
      'give assetIds, or a selection with at least one filter (campaign, channel, status, kind, …)',
    );
  }
  const ids = [...new Set(given.map((a) => parseKey('asset', a)))];
  const found = new Set((await svc.assets.byIds(ids)).map((a) => a.id));
  const missing = ids.filter((i) => !found.has(i));
  // All or nothing: a typo in one id must not leave half the batch changed.
  if (missing.length) {
    throw new AppError(
      'not_found',
      `no asset with id ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}; nothing changed`,
    );
  }
  return {
    ids,
    description: `${ids.length === 1 ? 'asset' : `${ids.length} assets`} ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}`,
  };
}

const count = (n: number) => `${n} asset${n === 1 ? '' : 's'}`;
