// The audit trail of one asset (newest first) or of one executed action (every asset it changed).
import type { Services } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import { parseKey } from '../store/ids.ts';
import type { AuditEntry } from '../store/models.ts';

/** At most this many entries of one asset's trail are read. */
const ASSET_TRAIL_LIMIT = 1000;

export async function trail(
  deps: Services,
  by: { assetId?: string; actionId?: string },
): Promise<AuditEntry[]> {
  if (by.actionId) {
    const action = await deps.approvals.get(parseKey('approval', by.actionId));
    if (!action) throw new AppError('not_found', `no action with id ${by.actionId}`);
    return deps.audit.forApproval(action.id);
  }
  const id = parseKey('asset', by.assetId ?? '');
  await deps.assets.get(id); // an unknown asset is not found, not an empty trail
  return deps.audit.forTarget(`asset:${id}`, ASSET_TRAIL_LIMIT);
}
