// The query of a chart URL, and the URL of a chart: one shape, so a tool's link and the route that
// draws it never drift apart.
import { z } from 'zod';
import { Day } from './window.ts';

const Text = z.string().trim().min(1).max(120);

export const ChartQuery = z.object({
  metric: z.enum(['ctr', 'cvr']).default('ctr'),
  campaign: Text.optional(),
  channel: Text.optional(),
  market: Text.optional(),
  period: Text.optional(),
  asOf: Day.optional(),
  /** The asset a trend is of; effects charts take none. */
  asset: z.string().trim().min(2).max(64).optional(),
});

/** "trend.svg?asOf=…&asset=…&metric=ctr": keys sorted, empty ones left out. */
export function chartPath(
  kind: 'trend' | 'effects',
  format: 'svg' | 'png',
  q: Record<string, string | undefined>,
): string {
  const params = new URLSearchParams(
    Object.entries(q)
      .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  return `${kind}.${format}?${params}`;
}
