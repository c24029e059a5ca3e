import { afterEach, describe, expect, it } from 'vitest';
import { makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { onePlacement } from '../test/perf-fixture.ts';
import { createApp } from './app.ts';

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});

const TOKEN = 'perf-token-0123456789';

async function app(overrides: Record<string, string> = { PERFORMANCE_TOKEN: TOKEN }) {
  env = await makeTestDeps(overrides);
  const { deps } = env;
  await onePlacement(deps, 'Hero feed');
  return createApp(deps);
}

const csv = [
  'Date,Campaign,Creative,Impressions,Clicks,Total Conversions,Media Cost,Total Revenue',
  '2026-03-01,Spring,Hero feed,1000,10,1,4.00,50',
  '2026-03-02,Spring,Hero feed,1000,lots,1,4.00,50',
  'Grand Total:,,,2000,20,2,8.00,100',
].join('\n');

describe('POST /api/performance', () => {
  it('loads an export behind the token and answers with the report', async () => {
    const res = await (await app()).request('/api/performance?preset=cm360', {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/csv' },
      body: csv,
    });
    expect(res.status).toBe(200);
    const report = (await res.json()) as { written: number; bad: { line: number }[] };
    expect(report.written).toBe(1);
    expect(report.bad).toEqual([{ line: 3, reason: 'clicks is not a number: "lots"' }]);
    expect(await env!.deps.performance.count()).toBe(1);
  });

  it('refuses without the token, when it is off, and for what is not a CSV', async () => {
    const a = await app();
    const post = (headers: Record<string, string>, query = '') =>
      a.request(`/api/performance${query}`, { method: 'POST', headers, body: csv });
    expect((await post({ 'content-type': 'text/csv' })).status).toBe(401);
    expect(
      (await post({ authorization: 'Bearer wrong-token-xxxxxxxx', 'content-type': 'text/csv' }))
        .status,
    ).toBe(401);
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await post({ ...auth, 'content-type': 'image/png' })).status).toBe(415);
    const unknown = await post({ ...auth, 'content-type': 'text/csv' }, '?preset=cm360&dryRun=1');
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(
      /unknown parameter "dryRun"/,
    );
    expect(await env!.deps.performance.count()).toBe(0);
    await env!.cleanup();
    const off = await app({});
    const res = await off.request('/api/performance', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/csv' },
      body: csv,
    });
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/set PERFORMANCE_TOKEN/);
  });
});
