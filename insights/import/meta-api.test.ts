import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTestDeps, type TestEnv } from '../../test/helpers.ts';
import { onePlacement } from '../../test/perf-fixture.ts';
import { importMetaInsights } from './meta-api.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());
let env: TestEnv | undefined;
afterEach(async () => {
  server.resetHandlers();
  await env?.cleanup();
  env = undefined;
});

const GRAPH = 'https://graph.facebook.com/v25.0/act_1234/insights';

/** An insights row as the API documents it: numbers as strings, conversions as actions. */
const row = (ad: string, name: string, day: string, impressions: number, clicks: number) => ({
  ad_id: ad,
  ad_name: name,
  campaign_name: 'Spring',
  date_start: day,
  date_stop: day,
  impressions: String(impressions),
  inline_link_clicks: String(clicks),
  spend: (impressions / 100).toFixed(2),
  account_currency: 'USD',
  actions: [
    { action_type: 'link_click', value: String(clicks) },
    { action_type: 'purchase', value: '2' },
  ],
  action_values: [{ action_type: 'purchase', value: '120.50' }],
});

async function library() {
  env = await makeTestDeps();
  const { deps } = env;
  await onePlacement(deps, 'Hero feed');
  await deps.performance.putMappings('meta', [{ external: '23850001', placement: 'pl-1' }]);
  return deps;
}

describe('the Meta Marketing API connector', () => {
  it('asks for ad-level insights by day and follows paging.next to the last page', async () => {
    const deps = await library();
    const seen: URL[] = [];
    server.use(
      http.get(GRAPH, ({ request }) => {
        const url = new URL(request.url);
        seen.push(url);
        const after = url.searchParams.get('after');
        if (!after)
          return HttpResponse.json({
            data: [row('23850001', 'whatever', '2026-03-01', 1000, 10)],
            paging: {
              cursors: { before: 'A', after: 'B' },
              next: `${GRAPH}?after=B&access_token=t0ken-abc`,
            },
          });
        if (after === 'B')
          return HttpResponse.json({
            data: [
              row('23850001', 'whatever', '2026-03-02', 2000, 30),
              row('999', 'Nobody', '2026-03-02', 5, 0),
            ],
            paging: {
              cursors: { before: 'B', after: 'C' },
              next: `${GRAPH}?after=C&access_token=t0ken-abc`,
            },
          });
        return HttpResponse.json({
          data: [{ date_start: '2026-03-03', impressions: 12 }],
          paging: { cursors: { before: 'C' } },
        });
      }),
    );
    const report = await importMetaInsights(deps, {
      account: '1234',
      token: 't0ken-abc',
      since: '2026-03-01',
      until: '2026-03-03',
      retryMs: 0,
    });
    expect(report.pages).toBe(3);
    const q = seen[0]!.searchParams;
    expect(q.get('level')).toBe('ad');
    expect(q.get('time_increment')).toBe('1');
    expect(JSON.parse(q.get('time_range')!)).toEqual({ since: '2026-03-01', until: '2026-03-03' });
    expect(q.get('fields')).toMatch(/ad_id.*impressions.*actions.*action_values/);
    expect(report).toMatchObject({ rows: 4, matched: 2, written: 2 });
    expect(report.unmatched[0]).toMatchObject({
      line: 3,
      reason: expect.stringMatching(/no mapping for ad id 999/),
    });
    expect(report.bad[0]).toMatchObject({
      line: 4,
      reason: expect.stringMatching(/not an insights row/),
    });
    const [t] = await deps.performance.totalsByPlacement();
    expect(t).toMatchObject({ impressions: 3000, clicks: 40, conversions: 4, revenue: 241 });
    expect(JSON.stringify(report)).not.toContain('t0ken-abc');
  });

  it('retries what Meta rate-limits, and says clearly when the token is refused', async () => {
    const deps = await library();
    let calls = 0;
    server.use(
      http.get(GRAPH, () => {
        calls++;
        if (calls === 1)
          return HttpResponse.json(
            { error: { message: 'User request limit reached', code: 17 } },
            { status: 400 },
          );
        return HttpResponse.json({ data: [row('23850001', 'x', '2026-03-01', 100, 1)] });
      }),
    );
    const ok = await importMetaInsights(deps, {
      account: 'act_1234',
      token: 't',
      since: '2026-03-01',
      until: '2026-03-01',
      retryMs: 0,
    });
    expect(calls).toBe(2);
    expect(ok.written).toBe(1);

    server.use(
      http.get(GRAPH, () =>
        HttpResponse.json(
          {
            error: { message: 'Error validating access token', type: 'OAuthException', code: 190 },
          },
          { status: 400 },
        ),
      ),
    );
    await expect(
      importMetaInsights(deps, {
        account: '1234',
        token: 'bad',
        since: '2026-03-01',
        until: '2026-03-01',
        retryMs: 0,
      }),
    ).rejects.toThrow(
      /Meta API refused the insights request: Error validating access token \(code 190\)/,
    );
  });
});
