// Brands, campaigns, channels and placements: the slow-changing reference data around assets.
import type { Surreal } from 'surrealdb';
import { z } from 'zod';
import { opt, rid, zKey } from './ids.ts';
import { Brand, type Campaign, type Channel, type Placement } from './models.ts';

const BrandRow = z.object({
  id: zKey,
  name: z.string(),
  palette: Brand.shape.palette,
  logo_blob_key: opt(z.string()),
  rules: z.record(z.string(), z.unknown()).default({}),
});
const CampaignRow = z.object({
  id: zKey,
  slug: z.string(),
  name: z.string(),
  brand: opt(zKey),
  objective: opt(z.string()),
  start_date: opt(z.string()),
  end_date: opt(z.string()),
  status: z.string().default('active'),
});
const ChannelRow = z.object({
  id: zKey,
  slug: z.string(),
  name: z.string(),
  width: z.number(),
  height: z.number(),
  network: opt(z.string()),
});
/** A placement row as stored (the lineage sidecar reads the same rows). */
export const PlacementRow = z.object({
  id: zKey,
  asset: zKey,
  campaign: zKey,
  channel: z.string(),
  market: opt(z.string()),
  start_date: opt(z.string()),
  end_date: opt(z.string()),
});

export class CatalogRepository {
  private writes = 0;

  constructor(
    private readonly db: Surreal,
    /** Told of placement writes, so its next read catches up (store/lineage-index.ts). */
    private readonly lineage?: { stale(): void },
  ) {}

  /** Counts this process's writes to campaigns and channels, so caches of them know they are stale. */
  generation(): number {
    return this.writes;
  }

  async upsertBrand(b: Brand): Promise<Brand> {
    const [rows] = await this.db.query<[unknown[]]>('UPSERT $id CONTENT $c RETURN AFTER', {
      id: rid('brand', b.id),
      c: { name: b.name, palette: b.palette, logo_blob_key: b.logoBlobKey, rules: b.rules },
    });
    const r = BrandRow.parse(rows[0]);
    return {
      id: r.id,
      name: r.name,
      palette: r.palette,
      logoBlobKey: r.logo_blob_key,
      rules: r.rules,
    };
  }

  async brands(): Promise<Brand[]> {
    const [rows] = await this.db.query<[unknown[]]>('SELECT * FROM brand ORDER BY name');
    return BrandRow.array()
      .parse(rows)
      .map((r) => ({
        id: r.id,
        name: r.name,
        palette: r.palette,
        logoBlobKey: r.logo_blob_key,
        rules: r.rules,
      }));
  }

  async upsertCampaign(c: Campaign): Promise<Campaign> {
    this.writes++;
    await this.db.query('UPSERT $id CONTENT $c', {
      id: rid('campaign', c.id),
      c: {
        slug: c.slug,
        name: c.name,
        brand: c.brand ? rid('brand', c.brand) : undefined,
        objective: c.objective,
        start_date: c.startDate,
        end_date: c.endDate,
        status: c.status,
      },
    });
    this.writes++;
    return c;
  }

  async campaigns(): Promise<Campaign[]> {
    const [rows] = await this.db.query<[unknown[]]>('SELECT * FROM campaign ORDER BY name');
    return CampaignRow.array().parse(rows).map(toCampaign);
  }

  /** Finds a campaign by id, slug or (case-insensitive) name. */
  async findCampaign(ref: string): Promise<Campaign | null> {
    const [rows] = await this.db.query<[unknown[]]>(
      'SELECT * FROM campaign WHERE record::id(id) = $ref OR slug = $ref OR string::lowercase(name) = string::lowercase($ref) LIMIT 1',
      { ref },
    );
    return rows?.[0] ? toCampaign(CampaignRow.parse(rows[0])) : null;
  }

  async upsertChannel(c: Channel): Promise<Channel> {
    this.writes++;
    await this.db.query('UPSERT $id CONTENT $c', {
      id: rid('channel', c.id),
      c: { slug: c.slug, name: c.name, width: c.width, height: c.height, network: c.network },
    });
    this.writes++;
    return c;
  }

  async channels(): Promise<Channel[]> {
    const [rows] = await this.db.query<[unknown[]]>('SELECT * FROM channel ORDER BY slug');
    return ChannelRow.array().parse(rows);
  }

  /** Creates or replaces a placement and its edges: asset -placed_in-> placement -part_of-> campaign. */
  async upsertPlacement(p: Placement): Promise<Placement> {
    await this.db.query(
      `BEGIN TRANSACTION;
       UPSERT $id CONTENT $c;
       IF (SELECT id FROM placed_in WHERE in = $a AND out = $id) = [] { RELATE $a->placed_in->$id; };
       IF (SELECT id FROM part_of WHERE in = $id AND out = $camp) = [] { RELATE $id->part_of->$camp; };
       COMMIT TRANSACTION;`,
      {
        id: rid('placement', p.id),
        a: rid('asset', p.asset),
        camp: rid('campaign', p.campaign),
        c: {
          asset: rid('asset', p.asset),
          campaign: rid('campaign', p.campaign),
          channel: p.channel,
          market: p.market,
          start_date: p.startDate,
          end_date: p.endDate,
        },
      },
    );
    this.lineage?.stale();
    return p;
  }

  /** The distinct markets placements run in ("US", "DE"). */
  async markets(): Promise<string[]> {
    const [rows] = await this.db.query<[unknown[]]>(
      'SELECT VALUE market FROM placement WHERE market != NONE GROUP BY market',
    );
    return [
      ...new Set(z.array(z.string()).parse((rows ?? []).filter((r) => typeof r === 'string'))),
    ].sort();
  }

  async placements(filter: { campaign?: string; asset?: string } = {}): Promise<Placement[]> {
    const parts: string[] = [];
    const vars: Record<string, unknown> = {};
    if (filter.campaign) {
      parts.push('campaign = $campaign');
      vars.campaign = rid('campaign', filter.campaign);
    }
    if (filter.asset) {
      parts.push('asset = $asset');
      vars.asset = rid('asset', filter.asset);
    }
    const [rows] = await this.db.query<[unknown[]]>(
      `SELECT * FROM placement ${parts.length ? `WHERE ${parts.join(' AND ')}` : ''} ORDER BY id`,
      vars,
    );
    return PlacementRow.array().parse(rows).map(toPlacement);
  }
}

export function toPlacement(r: z.infer<typeof PlacementRow>): Placement {
  return {
    id: r.id,
    asset: r.asset,
    campaign: r.campaign,
    channel: r.channel,
    market: r.market,
    startDate: r.start_date,
    endDate: r.end_date,
  };
}

function toCampaign(r: z.infer<typeof CampaignRow>): Campaign {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    brand: r.brand,
    objective: r.objective,
    startDate: r.start_date,
    endDate: r.end_date,
    status: r.status,
  };
}
