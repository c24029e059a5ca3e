// The column sets of the common exports, as their own UIs name them. A column is found by any of
// its names (case- and space-insensitive); `prefix` names match the start ("Amount spent (EUR)").
// Exports carry the platform's ad and creative ids and names, never Curator's: see match.ts.

export const FIELDS = [
  'day',
  'impressions',
  'clicks',
  'conversions',
  'spend',
  'revenue',
  'currency',
  'placement',
  'adId',
  'adName',
  'campaign',
  'market',
] as const;
export type Field = (typeof FIELDS)[number];

export interface Preset {
  name: string;
  label: string;
  /** Where mappings of this platform's ad ids are kept apart from another's. */
  source: string;
  columns: Partial<Record<Field, string[]>>;
  prefix?: Partial<Record<Field, string[]>>;
}

export const PRESETS: Record<string, Preset> = {
  'google-ads': {
    name: 'google-ads',
    label: 'Google Ads (ad report, by day)',
    source: 'google-ads',
    columns: {
      day: ['Day', 'Date'],
      impressions: ['Impr.', 'Impressions'],
      clicks: ['Clicks'],
      conversions: ['Conversions', 'Conv.'],
      spend: ['Cost'],
      revenue: ['Conv. value', 'Conversion value', 'All conv. value'],
      currency: ['Currency code', 'Currency'],
      adId: ['Ad ID'],
      adName: ['Ad name', 'Image ad name', 'Ad'],
      campaign: ['Campaign'],
    },
  },
  meta: {
    name: 'meta',
    label: 'Meta Ads Manager (ads, broken down by day)',
    source: 'meta',
    columns: {
      day: ['Day', 'Reporting starts', 'Date'],
      impressions: ['Impressions'],
      clicks: ['Link clicks', 'Clicks (all)', 'Clicks'],
      conversions: ['Purchases', 'Website purchases', 'Results', 'Conversions'],
      spend: ['Amount spent', 'Spend'],
      revenue: [
        'Purchases conversion value',
        'Website purchases conversion value',
        'Conversion value',
      ],
      currency: ['Currency'],
      adId: ['Ad ID'],
      adName: ['Ad name'],
      campaign: ['Campaign name'],
    },
    prefix: { spend: ['Amount spent ('] },
  },
  cm360: {
    name: 'cm360',
    label: 'Campaign Manager 360 (standard report, by date and creative)',
    source: 'cm360',
    columns: {
      day: ['Date'],
      impressions: ['Impressions'],
      clicks: ['Clicks'],
      conversions: ['Total Conversions', 'Conversions'],
      spend: ['Media Cost'],
      revenue: ['Total Revenue', 'Revenue'],
      currency: ['Currency'],
      adId: ['Creative ID', 'Ad ID'],
      adName: ['Creative', 'Creative Name', 'Ad'],
      campaign: ['Campaign'],
    },
  },
  generic: {
    name: 'generic',
    label: 'Generic (one row per placement or ad and day)',
    source: 'generic',
    columns: {
      day: ['day', 'date'],
      impressions: ['impressions'],
      clicks: ['clicks'],
      conversions: ['conversions'],
      spend: ['spend', 'cost'],
      revenue: ['revenue', 'conversion value'],
      currency: ['currency'],
      placement: ['placement', 'placement id'],
      adId: ['ad id', 'ad_id', 'creative id'],
      adName: ['ad name', 'ad_name', 'creative', 'creative name', 'asset'],
      campaign: ['campaign'],
      market: ['market', 'country'],
    },
  },
};

const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();

/** Column index per field for a header row, with a mapping's overrides ("spend=Kosten"). */
export function locate(
  header: readonly string[],
  preset: Preset,
  overrides: Partial<Record<Field, string>> = {},
): Partial<Record<Field, number>> {
  const cells = header.map(norm);
  const out: Partial<Record<Field, number>> = {};
  for (const f of FIELDS) {
    const names = overrides[f] ? [overrides[f]!] : (preset.columns[f] ?? []);
    let at = -1;
    for (const n of names) {
      at = cells.indexOf(norm(n));
      if (at >= 0) break;
    }
    if (at < 0 && !overrides[f])
      for (const p of preset.prefix?.[f] ?? []) {
        at = cells.findIndex((c) => c.startsWith(norm(p)));
        if (at >= 0) break;
      }
    if (at >= 0) out[f] = at;
  }
  return out;
}
