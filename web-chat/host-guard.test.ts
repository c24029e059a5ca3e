import { afterEach, describe, expect, it } from 'vitest';
import { makeTestDeps, seedImageAssets, type TestEnv } from '../test/helpers.ts';
import { createApp } from './app.ts';

let env: TestEnv;
afterEach(() => env.cleanup());

const seedOne = async () => (await seedImageAssets(env.deps, 1))[0]!;

const error = async (res: Response) =>
  ((await res.json()) as { error: { code: string; message: string } }).error;

// The allow lists keep their MCP_ names, but they guard every route, not only /mcp.
describe('Host/Origin guard on every route', () => {
  it('answers 403 to a foreign Host on the API, the files and the health check', async () => {
    env = await makeTestDeps();
    const id = await seedOne();
    const app = createApp(env.deps);
    for (const path of ['/api/assets', `/files/assets/${id}/original`, '/healthz']) {
      const res = await app.request(path, { headers: { host: 'attacker.example' } });
      expect(res.status, path).toBe(403);
      expect(await error(res)).toMatchObject({
        code: 'forbidden',
        message: expect.stringMatching(/Host not allowed.*MCP_ALLOWED_HOSTS/),
      });
      // The same request by URL alone (no Host header on the request object) is judged the same.
      expect((await app.request(`http://attacker.example${path}`)).status, path).toBe(403);
    }
    const local = await app.request('/api/assets', { headers: { host: '127.0.0.1:3000' } });
    expect(local.status).toBe(200);
    expect((await app.request('/healthz', { headers: { host: 'localhost:3000' } })).status).toBe(
      200,
    );
    expect(
      (await app.request(`/files/assets/${id}/original`, { headers: { host: '[::1]:3000' } }))
        .status,
    ).toBe(200);
  });

  it('answers 403 to a browser Origin from another site, and allows the UI and configured ones', async () => {
    env = await makeTestDeps({ MCP_ALLOWED_ORIGINS: 'https://studio.example.com' });
    const app = createApp(env.deps);
    const get = (origin: string) =>
      app.request('/api/assets', { headers: { host: '127.0.0.1:3000', origin } });
    const foreign = await get('https://evil.example');
    expect(foreign.status).toBe(403);
    expect((await error(foreign)).message).toMatch(/Origin not allowed.*MCP_ALLOWED_ORIGINS/);
    expect((await get('null')).status).toBe(403);
    expect((await get('http://127.0.0.1:3000')).status).toBe(200);
    expect((await get('https://studio.example.com')).status).toBe(200);
  });

  it('accepts a host named in MCP_ALLOWED_HOSTS', async () => {
    env = await makeTestDeps({ MCP_ALLOWED_HOSTS: 'curator.internal' });
    const app = createApp(env.deps);
    const res = await app.request('/healthz', { headers: { host: 'curator.internal:8080' } });
    expect(res.status).toBe(200);
  });
});
