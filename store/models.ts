// Domain shapes shared by the store, the tools and the surfaces. Rows are parsed into these.
import { z } from 'zod';

// The words people use for each value (the offline planner reads them from the JSON schema).
export const AssetStatus = z.enum(['draft', 'needs_review', 'approved', 'archived']).meta({
  aliases: {
    needs_review: [
      'needs review',
      'need review',
      'needing review',
      'in review',
      'under review',
      'pending review',
      'awaiting review',
      'waiting for review',
      'for review',
      'to review',
      'to be reviewed',
      'unreviewed',
      'review queue',
      'pending sign-off',
      'pending sign off',
      'awaiting sign-off',
      'awaiting sign off',
      'waiting for sign-off',
    ],
    draft: ['drafts', 'in draft'],
    approved: ['signed off', 'signed-off', 'okayed', 'okay-ed', 'green-lit', 'greenlit'],
    archived: ['the archive', 'archives', 'in the archive'],
  },
});
export type AssetStatus = z.infer<typeof AssetStatus>;
export const AssetKind = z.enum(['master', 'rendition', 'localized', 'variant']).meta({
  aliases: {
    master: [
      'masters',
      'originals',
      'original files',
      'source files',
      'key visuals',
      'key visual',
      'hero',
      'heroes',
      'hero images',
      'hero image',
      'hero shots',
    ],
    rendition: ['renditions', 'resized', 'resizes', 'crops'],
    localized: [
      'localised',
      'localization',
      'localizations',
      'localisations',
      'translated',
      'translations',
    ],
    variant: ['variants', 'variation', 'variations'],
  },
});
export type AssetKind = z.infer<typeof AssetKind>;
export const Orientation = z.enum(['landscape', 'portrait', 'square']).meta({
  aliases: {
    portrait: ['vertical', 'tall', 'portrait-orientation'],
    landscape: ['horizontal', 'wide', 'landscape-orientation'],
    square: ['square-format', '1:1'],
  },
});
export type Orientation = z.infer<typeof Orientation>;

export const PaletteColor = z.object({
  hex: z.string().regex(/^#[0-9a-f]{6}$/),
  name: z.string(),
  coverage: z.number().min(0).max(1),
  lab: z.tuple([z.number(), z.number(), z.number()]),
});
export type PaletteColor = z.infer<typeof PaletteColor>;

export const Composition = z.object({
  brightness: z.number(),
  contrast: z.number(),
  colourfulness: z.number(),
  warmth: z.number(),
  orientation: Orientation,
  aspect: z.number(),
});
export type Composition = z.infer<typeof Composition>;

export const Tag = z.object({
  name: z.string(),
  source: z.enum(['exif', 'iptc', 'xmp', 'vision', 'ocr', 'user', 'demo', 'palette', 'clip']),
  confidence: z.number().min(0).max(1),
});
export type Tag = z.infer<typeof Tag>;

export const CaptureMeta = z
  .object({
    capturedAt: z.string().optional(),
    camera: z.string().optional(),
    lens: z.string().optional(),
    software: z.string().optional(),
    gps: z.object({ lat: z.number(), lon: z.number() }).optional(),
  })
  .partial();

/** A rectangle in pixels of the original image. */
export const Box = z.object({
  x: z.number(),
  y: z.number(),
  width: z.number(),
  height: z.number(),
});

/** A line of text read in the image (vision/ocr.ts), in pixels of the original. */
export const OcrLine = z.object({
  text: z.string(),
  confidence: z.number(),
  box: Box,
  /** The box's height in pixels of the original image. */
  heightPx: z.number(),
  /** The drawn font size, from the height of the ink inside the box (capitals stand shorter). */
  fontPx: z.number(),
  /** WCAG contrast ratio of the text against its background inside the box, 1..21. */
  contrast: z.number(),
});
export type OcrLine = z.infer<typeof OcrLine>;

/** What OCR read, with the model that read it and the asset version it read. */
export const OcrResult = z.object({
  model: z.string(),
  assetVersion: z.number(),
  lines: z.array(OcrLine),
  /** Every line, joined: what full-text search reads. */
  text: z.string(),
});
export type OcrResult = z.infer<typeof OcrResult>;

/** Where the brand's logo is in the image (vision/logo.ts), or that it is missing. */
export const LogoResult = z.object({
  model: z.string(),
  assetVersion: z.number(),
  brand: z.string(),
  found: z.boolean(),
  /** Best correlation over every lockup and size, 0..1. */
  score: z.number(),
  variant: z.string().optional(),
  box: Box.optional(),
  /** The logo's width as a percentage of the image's. */
  widthPct: z.number().optional(),
  /** top-left, top, top-right, left, centre, right, bottom-left, bottom, bottom-right. */
  zone: z.string().optional(),
});
export type LogoResult = z.infer<typeof LogoResult>;

/** People, faces and expressions (vision/people.ts). Never gender or age. */
export const PeopleResult = z.object({
  model: z.string(),
  assetVersion: z.number(),
  faces: z.array(
    z.object({
      box: Box,
      score: z.number(),
      expression: z.string().optional(),
      expressionScore: z.number().optional(),
    }),
  ),
  /** People seen: faces, or confident bodies where no face shows. */
  people: z.number(),
});
export type PeopleResult = z.infer<typeof PeopleResult>;

/** Zero-shot tags from the CLIP model (vision/clip.ts), one facet each (scene, style, …). */
export const ClipResult = z.object({
  model: z.string(),
  assetVersion: z.number(),
  tags: z.array(z.object({ facet: z.string(), name: z.string(), confidence: z.number() })),
});
export type ClipResult = z.infer<typeof ClipResult>;

/** A vision model's caption (vision/caption.ts), with the model that wrote it. */
export const CaptionResult = z.object({
  model: z.string(),
  assetVersion: z.number(),
  caption: z.string(),
  objects: z.array(z.string()),
  setting: z.string(),
  mood: z.string(),
});
export type CaptionResult = z.infer<typeof CaptionResult>;

export const Asset = z.object({
  id: z.string(),
  contentHash: z.string(),
  originalName: z.string(),
  mime: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  bytes: z.number().int(),
  blobKey: z.string(),
  thumbKey: z.string().optional(),
  title: z.string(),
  description: z.string(),
  keywords: z.array(z.string()),
  creator: z.string().optional(),
  copyright: z.string().optional(),
  palette: z.array(PaletteColor),
  phash: z.string().optional(),
  composition: Composition.optional(),
  tags: z.array(Tag),
  capture: CaptureMeta.optional(),
  ocr: OcrResult.optional(),
  logo: LogoResult.optional(),
  people: PeopleResult.optional(),
  clip: ClipResult.optional(),
  caption: CaptionResult.optional(),
  status: AssetStatus,
  kind: AssetKind,
  version: z.number().int(),
  channel: z.string().optional(),
  locale: z.string().optional(),
  campaigns: z.array(z.string()),
  sourceRef: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Asset = z.infer<typeof Asset>;

/** What ingestion hands the repository; ids, versions and timestamps are the repository's job. */
export type NewAsset = Omit<
  Asset,
  'id' | 'version' | 'createdAt' | 'updatedAt' | 'status' | 'kind' | 'campaigns' | 'tags'
> & {
  status?: AssetStatus;
  kind?: AssetKind;
  campaigns?: string[];
  tags?: Tag[];
};

export const BrandColor = z.object({
  hex: z.string(),
  name: z.string(),
  role: z.string().optional(),
});
export const Brand = z.object({
  id: z.string(),
  name: z.string(),
  palette: z.array(BrandColor),
  logoBlobKey: z.string().optional(),
  rules: z.record(z.string(), z.unknown()).default({}),
});
export type Brand = z.infer<typeof Brand>;

export const Campaign = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  brand: z.string().optional(),
  objective: z.string().optional(),
  startDate: z.string().optional(),
  endDate: z.string().optional(),
  status: z.string().default('active'),
});
export type Campaign = z.infer<typeof Campaign>;

export const Channel = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  network: z.string().optional(),
});
export type Channel = z.infer<typeof Channel>;

export const Placement = z.object({
  id: z.string(),
  asset: z.string(),
  campaign: z.string(),
  channel: z.string(),
  market: z.string().optional(),
  startDate: z.string().optional(),
  endDate: z.string().optional(),
});
export type Placement = z.infer<typeof Placement>;

export const PerfDaily = z.object({
  placement: z.string(),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  impressions: z.number().int().min(0),
  clicks: z.number().int().min(0),
  conversions: z.number().int().min(0),
  spend: z.number().min(0),
  revenue: z.number().min(0),
});
export type PerfDaily = z.infer<typeof PerfDaily>;

export const EdgeKind = z.enum([
  'derived_from',
  'localized_from',
  'variant_of',
  'placed_in',
  'part_of',
]);
export type EdgeKind = z.infer<typeof EdgeKind>;

export const AuditEntry = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  changes: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })),
  approvedBy: z.string().optional(),
  approvalId: z.string().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
