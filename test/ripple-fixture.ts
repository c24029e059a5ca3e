// Test support for the interrupted-ripple test, run as its own process against DATA_DIR/SURREAL_URL
// (an embedded store is open in one process at a time):
//   seed      builds the ripple family and prints it
//   resume    resumes the ripples left running and prints what the store then holds
// It prints one JSON line and exits, releasing the store for the next process.
import { loadConfig } from '../core/config.ts';
import { createDeps } from '../core/deps.ts';
import { rippleFamily } from './ripple-family.ts';

const deps = await createDeps(loadConfig());
const count = async (sql: string) => (await deps.db.query<[{ n: number }[]]>(sql))[0][0]?.n ?? 0;
if (process.argv[2] === 'resume') {
  const ids = JSON.parse(process.argv[3] ?? '[]') as string[];
  const resumed = await deps.ripples.resume();
  const versions = Object.fromEntries(
    await Promise.all(
      ids.map(async (id) => [id, (await deps.assets.versions(id)).map((v) => v.version)] as const),
    ),
  );
  process.stdout.write(
    `${JSON.stringify({
      resumed: resumed.map((r) => ({ state: r.state, items: r.items.map((i) => i.state) })),
      versions,
      renditions: await count("SELECT count() AS n FROM asset WHERE kind = 'rendition' GROUP ALL"),
      supersedes: await count('SELECT count() AS n FROM supersedes GROUP ALL'),
    })}\n`,
  );
} else {
  const family = await rippleFamily(deps);
  const renditions = await count(
    "SELECT count() AS n FROM asset WHERE kind = 'rendition' GROUP ALL",
  );
  process.stdout.write(`${JSON.stringify({ ...family, renditionCount: renditions })}\n`);
}
await deps.close();
process.exit(0);
