// Test support, run as its own process (an embedded store stays locked by the process that opened
// it): one campaign, one asset titled "hero" and its placement pl-1, for the import CLI's tests.
import { loadConfig } from '../core/config.ts';
import { createDeps } from '../core/deps.ts';
import { seedAssets } from './seed.ts';

const deps = await createDeps(loadConfig());
await deps.catalog.upsertCampaign({
  id: 'spring',
  slug: 'spring',
  name: 'Spring',
  status: 'active',
});
const [a] = await seedAssets(deps, [{ title: 'hero' }]);
await deps.catalog.upsertPlacement({
  id: 'pl-1',
  asset: a!.id,
  campaign: 'spring',
  channel: 'instagram-feed',
});
await deps.close();
process.exit(0);
