import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
let dir: string;
let env: Record<string, string>;
let ids: string[];
let client: Client | undefined;
let transport: StdioClientTransport | undefined;
let stderr = '';

/** Rejects after `ms` so a hung child fails the test with its stderr instead of stalling the run. */
function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} timed out after ${ms} ms; child stderr:\n${stderr}`)),
      ms,
    );
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

// Seeds in a child process of its own: the embedded engine keeps its lock on the store until the
// process that opened it exits, so the `curator mcp` child could not open a store seeded here.
const SEED = `
import { loadConfig } from './core/config.ts';
import { createDeps } from './core/deps.ts';
import { seedLibrary } from './mcp-server/fixtures.ts';
const deps = await createDeps(loadConfig());
const lib = await seedLibrary(deps);
await deps.close();
process.stdout.write(JSON.stringify(lib.assets.map((a) => a.id)));
process.exit(0);
`;

function seedInChild(env: Record<string, string>): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', SEED],
      {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', ...env, LOG_LEVEL: 'warn' },
        timeout: 40_000,
        killSignal: 'SIGKILL',
      },
      (err, stdout, stderrText) => {
        if (err) reject(new Error(`seeding failed: ${err.message}\n${stderrText}`));
        else resolve(JSON.parse(stdout) as string[]);
      },
    );
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'curator-mcp-stdio-'));
  // mem:// would be empty in the child, so the child opens an on-disk store seeded beforehand.
  env = {
    DATA_DIR: dir,
    SURREAL_URL: `surrealkv://${path.join(dir, 'db')}`,
    LOG_LEVEL: 'info',
    DEMO_SEED: 'off',
  };
  ids = await seedInChild(env);
  transport = new StdioClientTransport({
    command: process.execPath,
    args: [path.join(root, 'bin/curator.js'), 'mcp'],
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, ...env },
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  client = new Client({ name: 'stdio-test', version: '1.0.0' });
  try {
    await within(45_000, 'connecting to `curator mcp`', client.connect(transport));
  } catch (e) {
    await transport.close().catch(() => {});
    throw new Error(
      `\`curator mcp\` did not start: ${(e as Error).message}\nchild stderr:\n${stderr}`,
    );
  }
}, 60_000);

afterAll(async () => {
  // Closing the transport ends stdin and, if the child lingers, kills it.
  await client?.close().catch(() => {});
  await transport?.close().catch(() => {});
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('`curator mcp` over stdio', () => {
  it('lists the tools and answers list-assets from the store', async () => {
    const c = client!;
    const { tools } = await within(10_000, 'tools/list', c.listTools());
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['list-assets', 'get-asset']));
    const r = await within(
      10_000,
      'list-assets',
      c.callTool({ name: 'list-assets', arguments: { campaign: 'Spring Sale' } }),
    );
    expect(r.isError).toBeFalsy();
    const out = r.structuredContent as { items: Array<{ id: string }>; total: number };
    expect(out.total).toBe(3);
    expect(out.items.map((i) => i.id).sort()).toEqual([...ids].sort());
  });

  it('reads asset:// with its thumbnail and gets the review prompt', async () => {
    const c = client!;
    const res = await within(
      10_000,
      'resources/read',
      c.readResource({ uri: `asset://${ids[0]}` }),
    );
    expect(res.contents.map((x) => x.mimeType)).toEqual(['application/json', 'image/webp']);
    const p = await within(
      10_000,
      'prompts/get',
      c.getPrompt({ name: 'review-campaign', arguments: { campaign: 'spring-sale' } }),
    );
    expect((p.messages[0]!.content as { text: string }).text).toMatch(/spring-sale/);
  });

  it('keeps logs on stderr and bad arguments readable', async () => {
    const r = await within(
      10_000,
      'bad call',
      client!.callTool({ name: 'get-asset', arguments: {} }),
    );
    expect(r.isError).toBe(true);
    expect((r.content as Array<{ text: string }>)[0]?.text).toMatch(/assetId: /);
    // Any non-JSON-RPC line on stdout would have broken the client before this point; the log is on stderr.
    expect(stderr).toMatch(/serving on stdio/);
  });

  it('exits cleanly when the client closes stdin', async () => {
    const pid = transport!.pid;
    expect(pid).toBeGreaterThan(0);
    const started = Date.now();
    await client!.close();
    // The SDK client escalates to SIGTERM after 2 s; ending on stdin alone is faster than that.
    expect(Date.now() - started).toBeLessThan(2_000);
    const gone = async () => {
      for (let i = 0; i < 100; i++) {
        try {
          process.kill(pid!, 0);
        } catch {
          return true;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      return false;
    };
    expect(await gone()).toBe(true);
    expect(stderr).toMatch(/"reason":"stdin closed".*stdio session ended/);
  });
});

describe('`curator mcp` and signals', () => {
  it('ends cleanly on SIGTERM with exit code 0', async () => {
    const child = spawn(process.execPath, [path.join(root, 'bin/curator.js'), 'mcp'], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        DATA_DIR: dir,
        SURREAL_URL: 'mem://',
        LOG_LEVEL: 'info',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let err = '';
    let out = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    try {
      await within(
        20_000,
        'startup',
        new Promise<void>((resolve) => {
          const check = () => (/serving on stdio/.test(err) ? resolve() : setTimeout(check, 50));
          check();
        }),
      );
      child.kill('SIGTERM');
      expect(await within(10_000, 'exit after SIGTERM', exited)).toBe(0);
      expect(err).toMatch(/"reason":"SIGTERM"/);
      expect(out).toBe('');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

describe('`curator mcp` with a store another process holds', () => {
  it('fails with a reason instead of exiting silently', async () => {
    const { loadConfig } = await import('../core/config.ts');
    const { createDeps } = await import('../core/deps.ts');
    const held = await mkdtemp(path.join(os.tmpdir(), 'curator-mcp-lock-'));
    const config = loadConfig({
      DATA_DIR: held,
      SURREAL_URL: `surrealkv://${path.join(held, 'db')}`,
      LOG_LEVEL: 'silent',
    });
    const first = await createDeps(config);
    try {
      await expect(createDeps(config, { openTimeoutMs: 1_500 })).rejects.toThrow(
        /one process only.*HTTP endpoint/,
      );
    } finally {
      await first.close().catch(() => {});
      // The refused process may still be closing its engine files when it has exited: retry.
      await rm(held, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    }
  });
});
