import { z } from 'zod';
import { views } from '../core/views.ts';
import { decideProposal as decide, proposalById } from '../insights/proposals.ts';
import { Key } from '../store/ids.ts';
import { ProposalStatus } from '../store/proposals.repository.ts';
import { defineTool } from './define-tool.ts';

export const DecideProposalResult = z.object({
  proposalId: z.string(),
  status: ProposalStatus,
  summary: z.string(),
  decidedBy: z.string(),
  decidedAt: z.string(),
  note: z.string().optional(),
  exportUrl: z.string().optional().describe('the approved budget as CSV'),
});

export const decideProposal = defineTool({
  name: 'decide-proposal',
  title: 'Decide on a proposal',
  description:
    "Records a person's decision on a stored proposal (a budget from recommend-budget): approve or reject, with an optional note. It needs that person's confirmation (a pending action), a decision is final, and it is recorded with who decided and when. Approving sends nothing to an ad platform: it makes the approved budget exportable as CSV.",
  annotations: { needsApproval: true, destructive: false, idempotent: false },
  needsApproval: true,
  input: z.object({
    proposalId: z
      .string()
      .trim()
      .transform((s) => s.replace(/^proposal:/, ''))
      .pipe(Key)
      .describe('the proposal id recommend-budget returned'),
    decision: z.enum(['approve', 'reject']).meta({
      aliases: { approve: ['accept', 'go with', 'sign off'], reject: ['decline', 'turn down'] },
    }),
    note: z.string().trim().max(500).optional().describe("the person's reason, for the record"),
  }),
  output: DecideProposalResult,
  examples: [
    { say: 'approve proposal {id}', input: { decision: 'approve' } },
    { say: 'approve the budget proposal {id}', input: { decision: 'approve' } },
    { say: 'go with budget proposal {id}', input: { decision: 'approve' } },
    { say: 'reject proposal {id}', input: { decision: 'reject' } },
    { say: 'decline the budget proposal {id}', input: { decision: 'reject' } },
  ],
  summarize: async (input, deps) => {
    const p = await proposalById(deps, input.proposalId);
    return {
      text: `${input.decision === 'approve' ? 'Approve' : 'Reject'} proposal ${p.id} (${p.status}): ${p.summary}${input.note ? ` — note: "${input.note}"` : ''}`,
    };
  },
  view: (out) =>
    views.text(
      [
        `Proposal ${out.proposalId} ${out.status} by ${out.decidedBy} at ${out.decidedAt}.`,
        out.summary,
        ...(out.note ? [`Note: ${out.note}`] : []),
        out.status === 'approved'
          ? `Nothing was sent to an ad platform. The approved budget: ${out.exportUrl}`
          : 'Nothing changes: the current allocation stands.',
      ].join('\n'),
    ),
  run: async (input, deps, ctx) => {
    const by = ctx.approval?.approvedBy ?? ctx.actor.id;
    const p = await decide(deps, input, by);
    return {
      proposalId: p.id,
      status: p.status,
      summary: p.summary,
      decidedBy: p.decidedBy ?? by,
      decidedAt: p.decidedAt ?? new Date().toISOString(),
      ...(p.decisionNote ? { note: p.decisionNote } : {}),
      ...(p.status === 'approved' ? { exportUrl: deps.urls.proposal(p.id) } : {}),
    };
  },
});
