import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const BIN = path.resolve(import.meta.dirname, '../bin/curator.js');
const SEED_SCRIPT = path.resolve(import.meta.dirname, '../test/pending-fixture.ts');
let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const curator = (args: string[], env: Record<string, string>, stdin = '') =>
  node([BIN, ...args], env, stdin);

function node(args: string[], env: Record<string, string>, stdin = '') {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        LOG_LEVEL: 'warn',
        DEMO_SEED: 'off',
        ...env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('curator chat', () => {
  it('--json prints exactly one JSON line for one turn', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'curator-chat-'));
    const r = await curator(['chat', 'list the newest assets', '--json'], {
      DATA_DIR: dir,
      SURREAL_URL: 'mem://',
    });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const turn = JSON.parse(lines[0]!);
    expect(turn).toMatchObject({
      model: 'offline-planner',
      pending: [],
      answer: expect.any(String),
    });
    expect(turn.toolCalls[0]).toEqual({ name: 'list-assets', input: expect.any(Object) });
  });

  it('in the REPL, the person at the terminal approves a pending action by id', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'curator-chat-'));
    const env = { DATA_DIR: dir, SURREAL_URL: `surrealkv://${path.join(dir, 'db')}` };
    // Seeded from another process: an embedded store stays locked by the process that opened it.
    const seeded = await node(['--import', 'tsx', SEED_SCRIPT], {
      ...env,
      CONVERSATION: 'cli-review',
    });
    const { assetId, approvalId } = JSON.parse(seeded.stdout) as {
      assetId: string;
      approvalId: string;
    };
    const r = await curator(
      ['chat', '--conversation', 'cli-review'],
      env,
      `/pending\n/approve nosuchapproval\n/approve ${approvalId}\n/approve ${approvalId}\n/exit\n`,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${approvalId}: Set status of asset ${assetId} to "archived"`);
    expect(r.stdout).toMatch(/! no approval with id "nosuchapproval"/);
    expect(r.stdout).toMatch(/Approved and ran: Set status/);
    expect(r.stdout).toMatch(/! approval \w+ was already approved/);

    const check = await node(['--import', 'tsx', SEED_SCRIPT, 'report', assetId], env);
    const { status, trail } = JSON.parse(check.stdout) as { status: string; trail: unknown[] };
    expect(status).toBe('archived');
    expect(trail).toEqual([
      expect.objectContaining({ actor: 'maya', approvalId, approvedBy: os.userInfo().username }),
    ]);
  });
});
