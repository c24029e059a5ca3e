// Pending actions awaiting a person's approval. Status changes are conditional UPDATEs
// (`WHERE status = 'pending'`), so exactly one of two racing approvals can claim an action.
import type { Surreal } from 'surrealdb';
import { z } from 'zod';
import { newId, opt, rid, zKey, zTime } from './ids.ts';

export const ApprovalStatus = z.enum(['pending', 'approved', 'denied', 'executed', 'expired']);
export type ApprovalStatus = z.infer<typeof ApprovalStatus>;

export const ApprovalActor = z.object({
  id: z.string(),
  surface: z.string(),
  name: z.string().optional(),
});
export type ApprovalActor = z.infer<typeof ApprovalActor>;

export interface ApprovalRecord {
  id: string;
  tool: string;
  /** The validated tool input as canonical JSON: exactly what runs on approval. */
  inputJson: string;
  inputHash: string;
  conversationId: string;
  requestedBy: ApprovalActor;
  status: ApprovalStatus;
  summary: string;
  createdAt: string;
  expiresAt: string;
  decidedBy?: string;
  decidedAt?: string;
  executedAt?: string;
  outputJson?: string;
  error?: string;
  /** The exact asset ids the action covers, resolved at request time (JSON array). */
  targetsJson?: string;
  /** Committed batches of a bulk action: where an interrupted run resumes. */
  progress?: { done: number; total: number };
}

const Row = z.object({
  id: zKey,
  tool: z.string(),
  input: z.string(),
  input_hash: z.string(),
  conversation: z.string(),
  requested_by: ApprovalActor,
  status: ApprovalStatus,
  summary: z.string(),
  created_at: zTime,
  expires_at: zTime,
  decided_by: opt(z.string()),
  decided_at: opt(zTime),
  executed_at: opt(zTime),
  output: opt(z.string()),
  error: opt(z.string()),
  targets: opt(z.string()),
  progress: opt(z.object({ done: z.number(), total: z.number() })),
});

function toRecord(r: z.infer<typeof Row>): ApprovalRecord {
  return {
    id: r.id,
    tool: r.tool,
    inputJson: r.input,
    inputHash: r.input_hash,
    conversationId: r.conversation,
    requestedBy: r.requested_by,
    status: r.status,
    summary: r.summary,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    executedAt: r.executed_at,
    outputJson: r.output,
    error: r.error,
    targetsJson: r.targets,
    progress: r.progress,
  };
}

function first(rows: unknown): ApprovalRecord | null {
  const list = Array.isArray(rows) ? rows : rows ? [rows] : [];
  return list[0] ? toRecord(Row.parse(list[0])) : null;
}

export class ApprovalsRepository {
  constructor(private readonly db: Surreal) {}

  async create(a: {
    tool: string;
    inputJson: string;
    inputHash: string;
    conversationId: string;
    requestedBy: ApprovalActor;
    summary: string;
    expiresAt: Date;
    targetsJson?: string;
  }): Promise<ApprovalRecord> {
    const [rows] = await this.db.query<[unknown[]]>('CREATE $id CONTENT $c RETURN AFTER', {
      id: rid('approval', newId()),
      c: {
        tool: a.tool,
        input: a.inputJson,
        input_hash: a.inputHash,
        conversation: a.conversationId,
        requested_by: stripUndefined(a.requestedBy),
        status: 'pending',
        summary: a.summary,
        created_at: new Date(),
        expires_at: a.expiresAt,
        ...(a.targetsJson !== undefined ? { targets: a.targetsJson } : {}),
      },
    });
    const r = first(rows);
    if (!r) throw new Error('approval was not created');
    return r;
  }

  async get(id: string): Promise<ApprovalRecord | null> {
    const [rows] = await this.db.query<[unknown[]]>('SELECT * FROM $id', {
      id: rid('approval', id),
    });
    return first(rows);
  }

  /** Pending and not yet expired, oldest first. */
  async pendingFor(conversationId: string, now = new Date()): Promise<ApprovalRecord[]> {
    const [rows] = await this.db.query<[unknown[]]>(
      `SELECT * FROM approval WHERE conversation = $c AND status = 'pending' AND expires_at > $now
       ORDER BY created_at ASC LIMIT 100`,
      { c: conversationId, now },
    );
    return Row.array()
      .parse(rows ?? [])
      .map(toRecord);
  }

  /** Every action still waiting for a decision, oldest first: the approver group's inbox. */
  async pendingAll(now = new Date(), limit = 100): Promise<ApprovalRecord[]> {
    const [rows] = await this.db.query<[unknown[]]>(
      `SELECT * FROM approval WHERE status = 'pending' AND expires_at > $now
       ORDER BY created_at ASC LIMIT $limit`,
      { now, limit },
    );
    return Row.array()
      .parse(rows ?? [])
      .map(toRecord);
  }

  /**
   * Moves a pending, unexpired action to `to`. Returns the updated record, or null when another
   * caller got there first (or it expired): the single atomic claim that makes approval run once.
   */
  async transition(
    id: string,
    to: 'approved' | 'denied',
    by: string,
    now = new Date(),
  ): Promise<ApprovalRecord | null> {
    try {
      const [rows] = await this.db.query<[unknown[]]>(
        `UPDATE $id SET status = $to, decided_by = $by, decided_at = $now
         WHERE status = 'pending' AND expires_at > $now RETURN AFTER`,
        { id: rid('approval', id), to, by, now },
      );
      return first(rows);
    } catch (e) {
      // A concurrent transaction that touched the same record lost the optimistic commit.
      if (/conflict|can be retried/i.test((e as Error).message)) return null;
      throw e;
    }
  }

  async markExpired(id: string, now = new Date()): Promise<void> {
    await this.db.query(
      `UPDATE $id SET status = 'expired' WHERE status = 'pending' AND expires_at <= $now`,
      { id: rid('approval', id), now },
    );
  }

  async markExecuted(id: string, outputJson: string): Promise<ApprovalRecord | null> {
    const [rows] = await this.db.query<[unknown[]]>(
      `UPDATE $id SET status = 'executed', executed_at = time::now(), output = $output
       WHERE status = 'approved' RETURN AFTER`,
      { id: rid('approval', id), output: outputJson },
    );
    return first(rows);
  }

  /** Approved actions whose run neither finished nor failed: the process stopped mid-way. */
  async interrupted(): Promise<ApprovalRecord[]> {
    const [rows] = await this.db.query<[unknown[]]>(
      `SELECT * FROM approval WHERE status = 'approved' AND executed_at = NONE AND error = NONE
       ORDER BY decided_at ASC LIMIT 100`,
    );
    return Row.array()
      .parse(rows ?? [])
      .map(toRecord);
  }

  /** An approved action whose run failed stays `approved` (it is never run again) with the reason. */
  async markFailed(id: string, error: string): Promise<ApprovalRecord | null> {
    const [rows] = await this.db.query<[unknown[]]>(
      `UPDATE $id SET error = $error, executed_at = time::now() WHERE status = 'approved' RETURN AFTER`,
      { id: rid('approval', id), error },
    );
    return first(rows);
  }
}

function stripUndefined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
