import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('curator serve', () => {
  it('serves on the embedded surrealkv:// store and exits cleanly on SIGTERM', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'curator-serve-'));
    dirs.push(dir);
    const child = spawn(process.execPath, [path.join(root, 'bin/curator.js'), 'serve'], {
      cwd: root,
      env: {
        ...process.env,
        DATA_DIR: dir,
        PORT: '0',
        DEMO_SEED: 'off',
        LOG_LEVEL: 'info',
        SURREAL_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start in time:\n${stderr}`)), 20_000);
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /"url":"(http:\/\/[^"]+)"/.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited early (${code}):\n${stderr}`)));
    });
    try {
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      const list = (await (await fetch(`${url}/api/assets`)).json()) as {
        items: unknown[];
        total: number;
      };
      expect(list).toMatchObject({ items: [], total: 0 });
      expect(stderr).toContain(`surrealkv://${dir}/db`);
    } finally {
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('refuses to start with a bad setting and names the variable', async () => {
    const { code, stderr } = await refused({ PORT: 'abc' });
    expect(code).toBe(78);
    expect(stderr).toMatch(/PORT="abc"/);
  });

  it('refuses to listen beyond loopback without WEB_AUTH_TOKEN', async () => {
    const { code, stderr } = await refused({ HOST: '0.0.0.0', PORT: '0' });
    expect(code).toBe(78);
    expect(stderr).toMatch(/HOST=0\.0\.0\.0.*WEB_AUTH_TOKEN/);
  });

  it('counts a public PUBLIC_URL as reachable: behind a proxy, loopback is not private', async () => {
    const { code, stderr } = await refused({
      HOST: '127.0.0.1',
      PUBLIC_URL: 'https://curator.example.com',
      PORT: '0',
    });
    expect(code).toBe(78);
    expect(stderr).toMatch(/PUBLIC_URL=https:\/\/curator\.example\.com.*sign-in/);
  });
});

/** `curator serve` with these settings (and no sign-in), run until it exits. */
async function refused(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [path.join(root, 'bin/curator.js'), 'serve'], {
    cwd: root,
    env: { ...process.env, WEB_AUTH_TOKEN: '', WEB_USERS: '', DEMO_SEED: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  return { code, stderr };
}
