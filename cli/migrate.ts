import { loadConfig } from '../core/config.ts';
import { connectStore } from '../store/connect.ts';
import { migrate } from '../store/migrate.ts';

export const summary = 'apply database migrations (serve and ingest also do this on start)';

export async function run(_argv: string[]): Promise<number> {
  const config = loadConfig();
  const db = await connectStore(config.surreal, { migrate: false });
  try {
    const r = await migrate(db);
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return 0;
  } finally {
    await db.close();
  }
}
