// Append-only audit trail: who changed what, when, and who approved it.
import type { Surreal } from 'surrealdb';
import { z } from 'zod';
import { newId, rid, zKey, zTime } from './ids.ts';
import type { AuditEntry } from './models.ts';

const Row = z.object({
  id: zKey,
  at: zTime,
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  changes: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })),
  approved_by: z.string().nullish(),
  approval_id: z.string().nullish(),
});

export class AuditRepository {
  constructor(private readonly db: Surreal) {}

  async record(e: Omit<AuditEntry, 'id' | 'at'>): Promise<void> {
    await this.db.query('CREATE $id CONTENT $c', {
      id: rid('audit', newId()),
      c: {
        at: new Date(),
        actor: e.actor,
        action: e.action,
        target: e.target,
        changes: e.changes,
        approved_by: e.approvedBy,
        approval_id: e.approvalId,
      },
    });
  }

  async forTarget(target: string, limit = 50): Promise<AuditEntry[]> {
    const [rows] = await this.db.query<[unknown[]]>(
      'SELECT * FROM audit WHERE target = $target ORDER BY at DESC LIMIT $limit',
      { target, limit },
    );
    return toEntries(rows);
  }

  /** Every entry an executed action wrote, oldest first (the order it ran in). */
  async forApproval(approvalId: string): Promise<AuditEntry[]> {
    const [rows] = await this.db.query<[unknown[]]>(
      'SELECT * FROM audit WHERE approval_id = $approvalId ORDER BY at ASC',
      { approvalId },
    );
    return toEntries(rows);
  }
}

function toEntries(rows: unknown): AuditEntry[] {
  return Row.array()
    .parse(rows ?? [])
    .map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      target: r.target,
      changes: r.changes,
      approvedBy: r.approved_by ?? undefined,
      approvalId: r.approval_id ?? undefined,
    }));
}
