// Daily performance facts per placement, and the rollups the tools read.
import type { Surreal } from 'surrealdb';
import { z } from 'zod';
import { rid, zKey } from './ids.ts';
import type { PerfDaily } from './models.ts';

const Totals = z.object({
  placement: zKey,
  impressions: z.number(),
  clicks: z.number(),
  conversions: z.number(),
  spend: z.number(),
  revenue: z.number(),
  days: z.number(),
});
export type PlacementTotals = z.infer<typeof Totals>;

export class PerformanceRepository {
  constructor(private readonly db: Surreal) {}

  /**
   * Upserts facts keyed by (placement, day): re-importing the same day replaces it. Small batches:
   * one FOR loop over thousands of rows slows down far more than linearly in the engine.
   */
  async upsertDaily(rows: readonly PerfDaily[], chunk = 250): Promise<number> {
    for (let i = 0; i < rows.length; i += chunk) {
      const batch = rows.slice(i, i + chunk).map((r) => ({
        id: rid('perf_daily', `${r.placement}_${r.day.replaceAll('-', '')}`),
        placement: rid('placement', r.placement),
        day: r.day,
        impressions: r.impressions,
        clicks: r.clicks,
        conversions: r.conversions,
        spend: r.spend,
        revenue: r.revenue,
      }));
      await this.db.query('FOR $r IN $batch { UPSERT $r.id CONTENT $r; }', { batch });
    }
    return rows.length;
  }

  async count(): Promise<number> {
    const [rows] = await this.db.query<[{ n: number }[]]>(
      'SELECT count() AS n FROM perf_daily GROUP ALL',
    );
    return rows?.[0]?.n ?? 0;
  }

  async totalsByPlacement(filter: { from?: string; to?: string } = {}): Promise<PlacementTotals[]> {
    const parts: string[] = [];
    if (filter.from) parts.push('day >= $from');
    if (filter.to) parts.push('day <= $to');
    const [rows] = await this.db.query<[unknown[]]>(
      `SELECT placement, math::sum(impressions) AS impressions, math::sum(clicks) AS clicks,
         math::sum(conversions) AS conversions, math::sum(spend) AS spend, math::sum(revenue) AS revenue,
         count() AS days
       FROM perf_daily ${parts.length ? `WHERE ${parts.join(' AND ')}` : ''} GROUP BY placement`,
      filter,
    );
    return Totals.array().parse(rows);
  }
}
