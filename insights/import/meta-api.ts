// The Meta Marketing API's ad-level insights, by day: GET /{version}/act_{id}/insights with
// level=ad and time_increment=1, paged by following `paging.next` until Meta stops giving one.
// Numbers come as strings and conversions as `actions` entries by action type; both are read
// with zod, and the rows then take the same path as an exported CSV (csv.ts: validation, matching
// by a stored mapping of ad ids or the ad's name, currencies, idempotent writes). The access token
// travels in the query as Meta documents it, and is never written to a report or an error.
import { z } from 'zod';
import type { Services } from '../../core/deps.ts';
import { AppError } from '../../core/errors.ts';
import {
  emptyReport,
  type ImportOptions,
  type ImportReport,
  loadRows,
  type SourceRow,
} from './csv.ts';
import type { Field } from './presets.ts';

export const META_API_VERSION = 'v25.0';
const FIELDS = [
  'ad_id',
  'ad_name',
  'campaign_name',
  'date_start',
  'impressions',
  'inline_link_clicks',
  'clicks',
  'spend',
  'actions',
  'action_values',
  'account_currency',
];
/** Rate-limit and transient error codes Meta asks callers to retry after a pause. */
const RETRY_CODES = new Set([1, 2, 4, 17, 32, 341, 613, 80000, 80004]);

const Action = z.object({ action_type: z.string(), value: z.string() });
const Insight = z
  .object({
    ad_id: z.string().optional(),
    ad_name: z.string().optional(),
    campaign_name: z.string().optional(),
    date_start: z.string(),
    impressions: z.string().optional(),
    inline_link_clicks: z.string().optional(),
    clicks: z.string().optional(),
    spend: z.string().optional(),
    actions: z.array(Action).optional(),
    action_values: z.array(Action).optional(),
    account_currency: z.string().optional(),
  })
  .passthrough();
const Page = z.object({
  data: z.array(z.unknown()),
  paging: z.object({ next: z.string().url().optional() }).passthrough().optional(),
});
const MetaError = z.object({
  error: z.object({ message: z.string(), code: z.number().optional() }).passthrough(),
});

export interface MetaImportOptions extends ImportOptions {
  /** The ad account: "act_1234" or "1234". */
  account: string;
  token: string;
  since: string;
  until: string;
  /** The Graph API's address (tests and proxies). */
  graphUrl?: string;
  /** The action type counted as a conversion (its value in `action_values` as revenue). */
  conversion?: string;
  fetch?: typeof fetch;
  /** Pauses between retries, ms (tests pass 0). */
  retryMs?: number;
  maxPages?: number;
}

export async function importMetaInsights(
  deps: Pick<Services, 'performance' | 'catalog' | 'assets'>,
  o: MetaImportOptions,
): Promise<ImportReport & { pages: number }> {
  if (!/^(?:act_)?\d+$/.test(o.account))
    throw new AppError('invalid_input', `an ad account is act_<digits>: "${o.account}"`);
  for (const d of [o.since, o.until])
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d))
      throw new AppError('invalid_input', `a day is YYYY-MM-DD: "${d}"`);
  const doFetch = o.fetch ?? fetch;
  const account = o.account.startsWith('act_') ? o.account : `act_${o.account}`;
  const first = new URL(
    `${(o.graphUrl ?? 'https://graph.facebook.com').replace(/\/$/, '')}/${META_API_VERSION}/${account}/insights`,
  );
  first.searchParams.set('level', 'ad');
  first.searchParams.set('time_increment', '1');
  first.searchParams.set('time_range', JSON.stringify({ since: o.since, until: o.until }));
  first.searchParams.set('fields', FIELDS.join(','));
  first.searchParams.set('limit', '500');
  first.searchParams.set('access_token', o.token);
  const conversion = o.conversion ?? 'purchase';
  const rows: SourceRow[] = [];
  let next: string | undefined = first.href;
  let pages = 0;
  const maxPages = o.maxPages ?? 10_000;
  while (next) {
    if (++pages > maxPages)
      throw new AppError(
        'too_large',
        `more than ${maxPages} pages of insights: ask for a shorter range`,
      );
    const page = await get(doFetch, next, o.retryMs ?? 2_000);
    for (const raw of page.data) {
      const line = rows.length + 1;
      const r = Insight.safeParse(raw);
      if (!r.success) {
        rows.push({
          line,
          cell: () => undefined,
          invalid: `not an insights row: ${r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`,
        });
        continue;
      }
      const i = r.data;
      const action = (list: z.infer<typeof Action>[] | undefined) =>
        list?.find((a) => a.action_type === conversion)?.value ?? '0';
      const cells: Partial<Record<Field, string | undefined>> = {
        day: i.date_start,
        impressions: i.impressions ?? '0',
        clicks: i.inline_link_clicks ?? i.clicks ?? '0',
        conversions: action(i.actions),
        revenue: action(i.action_values),
        spend: i.spend ?? '0',
        currency: i.account_currency,
        adId: i.ad_id,
        adName: i.ad_name,
        campaign: i.campaign_name,
      };
      rows.push({ line, cell: (f) => cells[f] });
    }
    o.onProgress?.(rows.length, rows.length);
    // Meta's next link carries the token and the cursor; only Meta's own host is followed.
    next = page.paging?.next;
    if (next && new URL(next).host !== first.host)
      throw new AppError('invalid_input', 'the insights paging pointed at another host');
  }
  const report = await loadRows(deps, 'meta', rows, emptyReport('meta-api', o), o);
  return { ...report, pages };
}

async function get(doFetch: typeof fetch, url: string, retryMs: number) {
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await doFetch(url, { headers: { accept: 'application/json' } });
    } catch (e) {
      if (attempt < 3) {
        await new Promise((r) => setTimeout(r, retryMs * 2 ** attempt));
        continue;
      }
      throw new AppError('unavailable', `the Meta API did not answer: ${(e as Error).message}`);
    }
    const body: unknown = await res.json().catch(() => undefined);
    if (res.ok) {
      const page = Page.safeParse(body);
      if (!page.success)
        throw new AppError(
          'unavailable',
          'the Meta API answered with something that is not an insights page',
        );
      return page.data;
    }
    const err = MetaError.safeParse(body);
    const code = err.success ? err.data.error.code : undefined;
    if (
      (res.status === 429 || res.status >= 500 || (code && RETRY_CODES.has(code))) &&
      attempt < 3
    ) {
      await new Promise((r) => setTimeout(r, retryMs * 2 ** attempt));
      continue;
    }
    const message = err.success ? err.data.error.message : `HTTP ${res.status}`;
    throw new AppError(
      res.status === 401 || code === 190 ? 'unauthorized' : 'unavailable',
      `the Meta API refused the insights request: ${message}${code ? ` (code ${code})` : ''}`,
    );
  }
}
