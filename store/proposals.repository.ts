// Proposals a person decides on. The body is stored whole (as JSON) exactly as it was shown, so
// what gets approved is what was proposed; a decision is one conditional UPDATE from `proposed`,
// so two racing decisions cannot both land and a decided proposal never changes again.
import type { Surreal } from 'surrealdb';
import { z } from 'zod';
import { newId, opt, rid, zKey, zTime } from './ids.ts';

export const ProposalStatus = z.enum(['proposed', 'approved', 'rejected']);
export type ProposalStatus = z.infer<typeof ProposalStatus>;

export interface ProposalRecord {
  id: string;
  kind: 'budget';
  status: ProposalStatus;
  summary: string;
  /** The proposal as it was shown, as JSON. */
  bodyJson: string;
  createdAt: string;
  createdBy: string;
  decidedBy?: string;
  decidedAt?: string;
  decisionNote?: string;
}

const Row = z.object({
  id: zKey,
  kind: z.literal('budget'),
  status: ProposalStatus,
  summary: z.string(),
  body: z.string(),
  created_at: zTime,
  created_by: z.string(),
  decided_by: opt(z.string()),
  decided_at: opt(zTime),
  decision_note: opt(z.string()),
});

const toRecord = (r: z.infer<typeof Row>): ProposalRecord => ({
  id: r.id,
  kind: r.kind,
  status: r.status,
  summary: r.summary,
  bodyJson: r.body,
  createdAt: r.created_at,
  createdBy: r.created_by,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  decisionNote: r.decision_note,
});

function first(rows: unknown): ProposalRecord | null {
  const list = Array.isArray(rows) ? rows : rows ? [rows] : [];
  return list[0] ? toRecord(Row.parse(list[0])) : null;
}

export class ProposalsRepository {
  constructor(private readonly db: Surreal) {}

  async create(p: {
    kind: 'budget';
    summary: string;
    bodyJson: string;
    createdBy: string;
  }): Promise<ProposalRecord> {
    const [rows] = await this.db.query<[unknown[]]>('CREATE $id CONTENT $c RETURN AFTER', {
      id: rid('proposal', newId()),
      c: {
        kind: p.kind,
        status: 'proposed',
        summary: p.summary,
        body: p.bodyJson,
        created_at: new Date(),
        created_by: p.createdBy,
      },
    });
    const r = first(rows);
    if (!r) throw new Error('proposal was not created');
    return r;
  }

  async get(id: string): Promise<ProposalRecord | null> {
    const [rows] = await this.db.query<[unknown[]]>('SELECT * FROM $id', {
      id: rid('proposal', id),
    });
    return first(rows);
  }

  /** Newest first. */
  async recent(limit = 20): Promise<ProposalRecord[]> {
    const [rows] = await this.db.query<[unknown[]]>(
      'SELECT * FROM proposal ORDER BY created_at DESC LIMIT $limit',
      { limit },
    );
    return Row.array()
      .parse(rows ?? [])
      .map(toRecord);
  }

  /**
   * Records a person's decision on a proposal still `proposed`. Returns null when it was already
   * decided (or a concurrent decision won): the one claim that makes a decision final.
   */
  async decide(
    id: string,
    to: 'approved' | 'rejected',
    by: string,
    note?: string,
    now = new Date(),
  ): Promise<ProposalRecord | null> {
    try {
      const [rows] = await this.db.query<[unknown[]]>(
        `UPDATE $id SET status = $to, decided_by = $by, decided_at = $now, decision_note = $note
         WHERE status = 'proposed' RETURN AFTER`,
        { id: rid('proposal', id), to, by, now, note: note ?? null },
      );
      return first(rows);
    } catch (e) {
      if (/conflict|can be retried/i.test((e as Error).message)) return null;
      throw e;
    }
  }
}
