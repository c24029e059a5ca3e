import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import { parseKey } from '../store/ids.ts';
import { AssetIdInput } from './asset-views.ts';
import { defineTool } from './define-tool.ts';

const Keyword = z.string().trim().min(1).max(80);
const KEYWORD_LIMIT = 100;

export const UpdateAssetMetadataResult = z.object({
  id: z.string(),
  title: z.string(),
  changed: z.array(z.enum(['title', 'description', 'keywords'])),
  keywords: z.array(z.string()),
  approvalId: z.string().optional(),
});

export const updateAssetMetadata = defineTool({
  name: 'update-asset-metadata',
  title: 'Update asset metadata',
  description:
    "Edits an asset's title, description or keywords (replace them, or add/remove some). Changes data: it needs a person's approval and is recorded in the audit trail.",
  annotations: { needsApproval: true, destructive: true, idempotent: true },
  input: z
    .object({
      assetId: AssetIdInput,
      title: z.string().trim().min(1).max(200).optional().describe('the new title'),
      description: z
        .string()
        .trim()
        .max(5000)
        .optional()
        .describe('the new description ("" clears it)'),
      keywords: z.array(Keyword).max(KEYWORD_LIMIT).optional().describe('replaces all keywords'),
      addKeywords: z.array(Keyword).max(KEYWORD_LIMIT).optional().describe('keywords to add'),
      removeKeywords: z.array(Keyword).max(KEYWORD_LIMIT).optional().describe('keywords to remove'),
    })
    .refine(
      (i) =>
        i.title !== undefined ||
        i.description !== undefined ||
        i.keywords !== undefined ||
        i.addKeywords !== undefined ||
        i.removeKeywords !== undefined,
      'give at least one of title, description, keywords, addKeywords, removeKeywords',
    ),
  output: UpdateAssetMetadataResult,
  run: async (input, deps, ctx) => {
    const id = parseKey('asset', input.assetId);
    const before = await deps.assets.get(id);
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
        `an asset keeps at most ${KEYWORD_LIMIT} keywords; nothing changed`,
      );
    }
    const changes: Record<string, { before: unknown; after: unknown }> = {};
    if (after.title !== before.title) changes.title = { before: before.title, after: after.title };
    if (after.description !== before.description) {
      changes.description = { before: before.description, after: after.description };
    }
    if (JSON.stringify(after.keywords) !== JSON.stringify(before.keywords)) {
      changes.keywords = { before: before.keywords, after: after.keywords };
    }
    const changed = Object.keys(changes) as ('title' | 'description' | 'keywords')[];
    if (changed.length) {
      ctx.signal?.throwIfAborted();
      const patch = Object.fromEntries(changed.map((k) => [k, after[k]]));
      await deps.assets.update(id, patch);
      await deps.audit.record({
        actor: ctx.actor.id,
        action: 'update-asset-metadata',
        target: `asset:${id}`,
        changes,
        approvedBy: ctx.approval?.approvedBy,
        approvalId: ctx.approval?.id,
      });
    }
    return {
      id,
      title: (after.title || before.originalName).slice(0, 200),
      changed,
      keywords: after.keywords.slice(0, 30),
      approvalId: ctx.approval?.id,
    };
  },
});

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
