// Test support for `curator chat` tests, run as its own process against DATA_DIR/SURREAL_URL:
//   (no args)              seeds one approved asset and a pending archive action in $CONVERSATION
//   report <assetId>       prints the asset's status and audit trail
// It prints one JSON line and exits, releasing the embedded store for the next process.

import { runToolGated } from '../agent/run-tool.ts';
import { loadConfig } from '../core/config.ts';
import { createDeps } from '../core/deps.ts';
import { setAssetStatus } from '../tools/set-asset-status.ts';
import { seedAssets } from './seed.ts';

const deps = await createDeps(loadConfig());
const [cmd, assetId] = process.argv.slice(2);
if (cmd === 'report' && assetId) {
  const asset = await deps.assets.get(assetId);
  const trail = await deps.audit.forTarget(`asset:${assetId}`);
  process.stdout.write(`${JSON.stringify({ status: asset.status, trail })}\n`);
} else {
  const [asset] = await seedAssets(deps, [{ title: 'Hero', status: 'approved' }]);
  const gated = await runToolGated(
    setAssetStatus,
    { assetIds: [asset!.id], status: 'archived' },
    deps,
    {
      actor: { id: 'maya', surface: 'web' },
      conversationId: process.env.CONVERSATION ?? 'cli-review',
    },
  );
  if (gated.kind !== 'pending') throw new Error('expected a pending action');
  process.stdout.write(`${JSON.stringify({ assetId: asset!.id, approvalId: gated.action.id })}\n`);
}
await deps.close();
process.exit(0);
