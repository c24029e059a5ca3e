// The demo brand: Northpeak, an outdoor-gear label. Palette with roles, the rules brand QA checks,
// and the logo lockup (a mark and a wordmark) rendered to PNG so creatives embed the exact pixels
// that are stored as the brand logo.
import sharp from 'sharp';

export const BRAND_ID = 'northpeak';
export const BRAND_NAME = 'Northpeak';
export const FONT = 'DejaVu Sans';

export const COLOURS = {
  navy: '#1b2a4a',
  orange: '#f26b38',
  sand: '#f2d8a7',
  glacier: '#dcebf2',
  pine: '#2f6b4f',
  sky: '#7fb3d5',
} as const;

export const BRAND_PALETTE = [
  { hex: COLOURS.navy, name: 'Peak Navy', role: 'primary' },
  { hex: COLOURS.orange, name: 'Summit Orange', role: 'accent' },
  { hex: COLOURS.sand, name: 'Sand', role: 'background-warm' },
  { hex: COLOURS.glacier, name: 'Glacier', role: 'background-cool' },
  { hex: COLOURS.pine, name: 'Pine', role: 'secondary' },
  { hex: COLOURS.sky, name: 'Sky', role: 'secondary' },
];

/**
 * What brand QA enforces. Sizes are fractions of the delivered asset so one rule set covers a
 * 300x250 banner and a 2400 px master; the absolute floors keep tiny formats legible.
 */
export const BRAND_RULES = {
  logo: {
    required: true,
    minWidthFraction: 0.12,
    minWidthPx: 40,
    clearSpaceFraction: 0.03,
  },
  disclaimer: {
    required: true,
    minFontPx: 10,
    minFontFraction: 0.012,
    minContrastRatio: 4.5,
  },
  // Headlines are large text, where WCAG asks for 3:1.
  headline: { minContrastRatio: 3 },
  palette: {
    maxDeltaE: 15,
    minOnPaletteCoverage: 0.6,
    note: 'white and near-black text are always allowed',
  },
} as const;

export interface LogoArt {
  png: Buffer;
  dataUri: string;
  /** width / height of the trimmed lockup. */
  aspect: number;
}

export interface LogoSet {
  standard: LogoArt;
  reversed: LogoArt;
}

function logoSvg(wordmark: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1700" height="240">
  <circle cx="120" cy="120" r="110" fill="${COLOURS.orange}"/>
  <path d="M38 178 L100 70 L128 118 L148 90 L202 178 Z" fill="#ffffff"/>
  <text x="262" y="170" font-family="${FONT}" font-weight="bold" font-size="150"
    letter-spacing="6" fill="${wordmark}">NORTHPEAK</text>
</svg>`;
}

async function renderLogo(wordmark: string): Promise<LogoArt> {
  const png = await sharp(Buffer.from(logoSvg(wordmark)))
    .trim({ threshold: 0 })
    .png({ compressionLevel: 9 })
    .toBuffer();
  const meta = await sharp(png).metadata();
  return {
    png,
    dataUri: `data:image/png;base64,${png.toString('base64')}`,
    aspect: (meta.width ?? 1) / (meta.height ?? 1),
  };
}

/** Standard lockup (navy wordmark) for light grounds, reversed (white) for dark ones. */
export async function renderLogos(): Promise<LogoSet> {
  const [standard, reversed] = await Promise.all([renderLogo(COLOURS.navy), renderLogo('#ffffff')]);
  return { standard, reversed };
}
