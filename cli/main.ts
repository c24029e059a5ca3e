// `curator <command>`: each command is a module exporting `run(argv, io)` that returns an exit code.
// The process exits explicitly: the embedded SurrealDB engine keeps Node alive after close().
import { isAppError } from '../core/errors.ts';

export interface CommandModule {
  summary: string;
  run(argv: string[]): Promise<number>;
}

const commands: Record<string, () => Promise<CommandModule>> = {
  serve: () => import('./serve.ts'),
  ingest: () => import('./ingest.ts'),
  enrich: () => import('./enrich.ts'),
  demo: () => import('./demo.ts'),
  mcp: () => import('./mcp.ts'),
  chat: () => import('./chat.ts'),
  migrate: () => import('./migrate.ts'),
  models: () => import('./models.ts'),
  'import-performance': () => import('./import-performance.ts'),
  worker: () => import('./worker.ts'),
};

async function help(): Promise<number> {
  const lines = ['usage: curator <command> [options]', '', 'commands:'];
  for (const [name, load] of Object.entries(commands)) {
    const summary = await load()
      .then((m) => m.summary)
      .catch(() => '(unavailable)');
    lines.push(`  ${name.padEnd(18)} ${summary}`);
  }
  lines.push(
    '',
    'Run `curator <command> --help` for its options. Configuration comes from the environment (see README).',
  );
  process.stderr.write(`${lines.join('\n')}\n`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  // Empty settings count as unset (core/config.ts); the OpenAI provider module reads
  // OPENAI_BASE_URL itself when it loads, and an empty one would stop every command there.
  for (const k of ['OPENAI_BASE_URL', 'OPENAI_API_KEY']) {
    if (process.env[k] === '') delete process.env[k];
  }
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') return help();
  const load = commands[name];
  if (!load) {
    process.stderr.write(`curator: unknown command "${name}"\n`);
    await help();
    return 2;
  }
  const mod = await load();
  return mod.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(
      `curator: ${isAppError(e) ? e.message : ((e as Error)?.stack ?? String(e))}\n`,
    );
    process.exit(isAppError(e) && e.code === 'config' ? 78 : 1);
  },
);
