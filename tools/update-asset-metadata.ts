import { z } from 'zod';
import { Selection } from '../assets/selection.ts';
import { resolveTargets } from '../assets/targets.ts';
import { AppError } from '../core/errors.ts';
import { views } from '../core/views.ts';
import { AssetIdInput } from './asset-views.ts';
import { defineTool } from './define-tool.ts';

const Keyword = z.string().trim().min(1).max(80);
const KEYWORD_LIMIT = 100;

export const UpdateAssetMetadataResult = z.object({
  id: z.string().describe('the first changed (or only) asset'),
  title: z.string(),
  changed: z.array(z.enum(['title', 'description', 'keywords'])),
  keywords: z.array(z.string()),
  changedCount: z.number().describe('how many assets changed'),
  unchangedCount: z.number().describe('how many already had these values'),
  approvalId: z.string().optional(),
});

type Field = 'title' | 'description' | 'keywords';

export const updateAssetMetadata = defineTool({
  name: 'update-asset-metadata',
  title: 'Update asset metadata',
  description:
    "Edits the title, description or keywords (replace them, or add/remove some) of one asset, up to 100 by id, or every asset of a selection by description. Changes data: it needs a person's approval, covers exactly the assets resolved when it was asked, and is recorded in the audit trail.",
  annotations: { needsApproval: true, destructive: true, idempotent: true },
  input: z
    .object({
      assetId: AssetIdInput.optional(),
      assetIds: z.array(AssetIdInput).min(1).max(100).optional(),
      selection: Selection.optional().describe(
        'instead of ids: every asset matching these list filters',
      ),
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
    )
    .refine(
      (i) => [i.assetId, i.assetIds, i.selection].filter((v) => v !== undefined).length === 1,
      'give exactly one of assetId, assetIds or selection',
    ),
  output: UpdateAssetMetadataResult,
  examples: [
    { say: 'rename {id} to {text}', input: { title: '{text}' } },
    { say: 'change the title of {id} to {text}', input: { title: '{text}' } },
    { say: 'change the description of {id} to {text}', input: { description: '{text}' } },
    { say: 'add keywords {text} to {id}', input: { addKeywords: ['{text}'] } },
    { say: 'tag {id} with {text}', input: { addKeywords: ['{text}'] } },
    { say: 'remove the keyword {text} from {id}', input: { removeKeywords: ['{text}'] } },
    { say: 'replace the keywords of {id} with {text}', input: { keywords: ['{text}'] } },
    { say: 'the description of {id} should be {text}', input: { description: '{text}' } },
  ],
  view: (out) => {
    const what = out.changed.length
      ? out.changed.join(', ')
      : 'nothing (the values were already set)';
    const lines = [
      `Updated ${out.changedCount} asset${out.changedCount === 1 ? '' : 's'}; changed ${what}.`,
      `${out.id} is now "${out.title}"${out.keywords.length ? ` with keywords ${out.keywords.join(', ')}` : ''}.`,
    ];
    if (out.unchangedCount) lines.push(`${out.unchangedCount} already had these values.`);
    if (out.approvalId) lines.push(`Recorded in the audit trail under approval ${out.approvalId}.`);
    return views.text(lines.join('\n'));
  },
  summarize: async (input, deps) => {
    const t = await resolveTargets(deps, input);
    const fields = ['title', 'description', 'keywords', 'addKeywords', 'removeKeywords'].filter(
      (k) => input[k as keyof typeof input] !== undefined,
    );
    return { targets: t.ids, text: `Update ${fields.join(', ')} of ${t.description}` };
  },
  run: async (input, deps, ctx) => {
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
