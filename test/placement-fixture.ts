// Test support, run as its own process (an embedded store stays locked by the process that opened
// it): one campaign, one asset titled "hero" and its placement pl-1, for the import CLI's tests.
import { loadConfig } from '../core/config.ts';
import { createDeps } from '../core/deps.ts';
import { onePlacement } from './perf-fixture.ts';

const deps = await createDeps(loadConfig());
await onePlacement(deps);
await deps.close();
process.exit(0);
