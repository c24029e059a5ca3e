import { z } from 'zod';
import { KEYWORD_LIMIT, updateMetadata } from '../assets/changes.ts';
import { Selection } from '../assets/selection.ts';
import { resolveTargets } from '../assets/targets.ts';
import { views } from '../core/views.ts';
import { AssetIdInput } from './asset-views.ts';
import { defineTool } from './define-tool.ts';

const Keyword = z.string().trim().min(1).max(80);

export const UpdateAssetMetadataResult = z.object({
  id: z.string().describe('the first changed (or only) asset'),
  title: z.string(),
  changed: z.array(z.enum(['title', 'description', 'keywords'])),
  keywords: z.array(z.string()),
  changedCount: z.number().describe('how many assets changed'),
  unchangedCount: z.number().describe('how many already had these values'),
  approvalId: z.string().optional(),
});

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
  run: (input, deps, ctx) => updateMetadata(deps, input, ctx),
});
