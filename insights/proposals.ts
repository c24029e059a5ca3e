// A stored proposal and a person's decision on it. Deciding is the one way a proposal changes,
// and only once; the approved allocation can then be exported, and nothing else acts on it:
// Curator never sends budgets to an ad platform.
import type { Services } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import type { ProposalRecord } from '../store/proposals.repository.ts';
import type { Allocation } from './budget.ts';

type Deps = Pick<Services, 'proposals'>;

export async function proposalById(deps: Deps, id: string): Promise<ProposalRecord> {
  const p = await deps.proposals.get(id);
  if (!p) throw new AppError('not_found', `no proposal ${id}: ask recommend-budget for one`);
  return p;
}

export async function decideProposal(
  deps: Deps,
  input: { proposalId: string; decision: 'approve' | 'reject'; note?: string },
  by: string,
): Promise<ProposalRecord> {
  const before = await proposalById(deps, input.proposalId);
  const to = input.decision === 'approve' ? 'approved' : 'rejected';
  const after = await deps.proposals.decide(before.id, to, by, input.note);
  if (after) return after;
  const now = await proposalById(deps, input.proposalId);
  throw new AppError(
    'conflict',
    `proposal ${now.id} was already ${now.status}${now.decidedBy ? ` by ${now.decidedBy}` : ''}${now.decidedAt ? ` at ${now.decidedAt}` : ''}; a decision is final: ask recommend-budget for a new proposal`,
  );
}

/** The full allocation of a stored budget proposal, one row per placement. */
export function allocationsOf(p: ProposalRecord): Allocation[] {
  return bodyOf(p).allocations ?? [];
}

const bodyOf = (p: ProposalRecord) =>
  JSON.parse(p.bodyJson) as { allocations?: Allocation[]; currency?: string };

const csvCell = (v: string | number | null) => {
  const s = v === null ? '' : String(v);
  // A cell starting with = + - @ would run as a formula in a spreadsheet: quote it as text.
  const safe = /^[=+\-@\t\r]/.test(s) && Number.isNaN(Number(s)) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};

/** The approved budget as CSV, for a person to enter in the ad platform. */
export function allocationCsv(p: ProposalRecord): string {
  if (p.status !== 'approved')
    throw new AppError(
      'conflict',
      `proposal ${p.id} is ${p.status}: only an approved proposal can be exported (decide-proposal)`,
    );
  const body = bodyOf(p);
  const currency = body.currency ?? 'amount';
  const head = [
    'placement',
    'asset_id',
    'asset_title',
    'channel',
    'market',
    `current_${currency}`,
    `proposed_${currency}`,
    'change_pct',
  ];
  const rows = (body.allocations ?? []).map((a) =>
    [
      a.placement,
      a.asset.id,
      a.asset.title,
      a.channel,
      a.market,
      a.current,
      a.proposed,
      Math.round(a.change * 1000) / 10,
    ]
      .map(csvCell)
      .join(','),
  );
  return `${[head.join(','), ...rows].join('\n')}\n`;
}
