// Changes to assets: status and metadata, over exactly the assets a request resolved to (ids or a
// selection, fixed at approval time), in audited batches. The business rules live here; the tools
// are thin adapters over these functions.
import type { Services } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import type { AssetStatus } from '../store/models.ts';
import type { Selection } from './selection.ts';
import { resolveTargets } from './targets.ts';

/** An asset keeps at most this many keywords. */
export const KEYWORD_LIMIT = 100;

type Field = 'title' | 'description' | 'keywords';

/** Who asks, and, once a person approved, the exact assets the approval covers. */
export interface ChangeContext {
  actor: { id: string };
  approval?: { id: string; approvedBy: string; targets?: string[]; startBatch?: number };
  signal?: AbortSignal;
}

export interface StatusChange {
  assetIds?: string[];
  selection?: Selection;
  status: AssetStatus;
}

/** Moves the assets to `status`; the ones already there are reported, not rewritten. */
export async function setStatus(deps: Services, input: StatusChange, ctx: ChangeContext) {
  const ids = ctx.approval?.targets ?? (await resolveTargets(deps, input)).ids;
  const { status } = input;
  const out = await deps.bulk.run(
    ids,
    async (batch) =>
      (await deps.assets.byIds(batch)).map((a) =>
        a.status === status
          ? a.id
          : {
              id: a.id,
              title: (a.title || a.originalName).slice(0, 120),
              before: { status: a.status },
              after: { status },
            },
      ),
    {
      actor: ctx.actor.id,
      action: 'set-asset-status',
      approval: ctx.approval,
      startBatch: ctx.approval?.startBatch,
      signal: ctx.signal,
    },
  );
  if (out.changedCount + out.unchangedCount === 0 && ids.length) {
    throw new AppError(
      'not_found',
      `no asset with id ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''} exists any more; nothing changed`,
    );
  }
  return {
    status,
    changed: out.changed.map((c) => ({ ...c, before: c.before.status as AssetStatus })),
    changedCount: out.changedCount,
    unchanged: out.unchanged,
    unchangedCount: out.unchangedCount,
    approvalId: ctx.approval?.id,
  };
}

export interface MetadataChange {
  assetId?: string;
  assetIds?: string[];
  selection?: Selection;
  title?: string;
  description?: string;
  keywords?: string[];
  addKeywords?: string[];
  removeKeywords?: string[];
}

/** Edits title, description and keywords; an asset that already has the values is left alone. */
export async function updateMetadata(deps: Services, input: MetadataChange, ctx: ChangeContext) {
  const ids = ctx.approval?.targets ?? (await resolveTargets(deps, input)).ids;
  let first: { id: string; title: string; changed: Field[]; keywords: string[] } | undefined;
  const out = await deps.bulk.run(
    ids,
    async (batch) =>
      (await deps.assets.byIds(batch)).map((before) => {
        const after = {
          title: input.title ?? before.title,
          description: input.description ?? before.description,
          keywords:
            input.keywords || input.addKeywords || input.removeKeywords
              ? nextKeywords(before.keywords, input)
              : before.keywords,
        };
        if (after.keywords.length > KEYWORD_LIMIT) {
          throw new AppError(
            'invalid_input',
            `an asset keeps at most ${KEYWORD_LIMIT} keywords (${before.id} would have ${after.keywords.length}); nothing more changed`,
          );
        }
        const changed: Field[] = [];
        if (after.title !== before.title) changed.push('title');
        if (after.description !== before.description) changed.push('description');
        if (JSON.stringify(after.keywords) !== JSON.stringify(before.keywords)) {
          changed.push('keywords');
        }
        const title = (after.title || before.originalName).slice(0, 200);
        if (!first || (!first.changed.length && changed.length)) {
          first = { id: before.id, title, changed, keywords: after.keywords.slice(0, 30) };
        }
        if (!changed.length) return before.id;
        return {
          id: before.id,
          title,
          before: Object.fromEntries(changed.map((k) => [k, before[k]])),
          after: Object.fromEntries(changed.map((k) => [k, after[k]])),
        };
      }),
    {
      actor: ctx.actor.id,
      action: 'update-asset-metadata',
      approval: ctx.approval,
      startBatch: ctx.approval?.startBatch,
      signal: ctx.signal,
    },
  );
  if (!first) throw new AppError('not_found', `no asset with id ${ids[0]}`);
  return {
    ...first,
    changedCount: out.changedCount,
    unchangedCount: out.unchangedCount,
    approvalId: ctx.approval?.id,
  };
}

/** Replace, then add, then remove; case-insensitive duplicates collapse to the first spelling. */
function nextKeywords(
  current: string[],
  i: { keywords?: string[]; addKeywords?: string[]; removeKeywords?: string[] },
): string[] {
  const base = [...(i.keywords ?? current), ...(i.addKeywords ?? [])];
  const drop = new Set((i.removeKeywords ?? []).map((k) => k.toLowerCase()));
  const seen = new Set<string>();
  const out: string[] = [];
  for (const k of base) {
    const key = k.toLowerCase();
    if (drop.has(key) || seen.has(key)) continue;
    seen.add(key);
    out.push(k);
  }
  return out;
}
