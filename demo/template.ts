// The creative template: one SVG layout engine that lays a design out afresh at any size (a
// landscape master, a 1080x1920 story, a 300x250 banner), in any of the four locales. It returns
// the SVG and the exact geometry it drew (logo box, disclaimer size and contrast), which becomes
// the ground truth brand QA is judged against.
import { COLOURS, FONT, type LogoSet } from './brand-kit.ts';
import { bestText, contrastRatio, mix } from './colour.ts';
import {
  CAMPAIGNS,
  type Corner,
  CTA_TEXT,
  type Locale,
  type MasterDesign,
  type ProductKind,
} from './designs.ts';

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface CreativeLayout {
  width: number;
  height: number;
  locale: Locale;
  logo: {
    corner: Corner;
    box: Box;
    variant: 'standard' | 'reversed';
    widthFraction: number;
    background: string;
  } | null;
  headline: {
    text: string;
    fontPx: number;
    lines: string[];
    colour: string;
    contrast: number;
    box: Box;
  };
  disclaimer: {
    text: string;
    fontPx: number;
    lines: string[];
    colour: string;
    background: string;
    contrast: number;
    box: Box;
  } | null;
  product: { kind: ProductKind; box: Box };
  /** Font family used for this locale's text; `cjkGlyphs: false` means ja-JP text drew as boxes. */
  font: string;
  cjkGlyphs: boolean;
}

export interface RenderOptions {
  width: number;
  height: number;
  locale: Locale;
  logos: LogoSet;
  /** A font family with Japanese glyphs, when the machine has one. */
  cjkFont?: string;
}

const r1 = (v: number) => Math.round(v * 10) / 10;
const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const isCjk = (ch: string) => (ch.codePointAt(0) ?? 0) >= 0x2e80;

/** Conservative advance widths (em) for DejaVu Sans; wide enough that wrapped lines never overflow. */
function textWidth(text: string, px: number, bold: boolean): number {
  let em = 0;
  for (const ch of text) {
    if (isCjk(ch)) em += 1.0;
    else if (ch === ' ') em += 0.34;
    else if (/[A-Z0-9%@]/.test(ch)) em += bold ? 0.8 : 0.7;
    else if (/[a-z]/.test(ch)) em += bold ? 0.66 : 0.6;
    else em += 0.45;
  }
  return em * px;
}

function wrap(text: string, px: number, maxWidth: number, bold: boolean): string[] {
  const cjk = [...text].some(isCjk);
  const tokens = cjk ? [...text] : text.split(' ');
  const joiner = cjk ? '' : ' ';
  const lines: string[] = [];
  let line = '';
  for (const t of tokens) {
    const next = line ? `${line}${joiner}${t}` : t;
    if (line && textWidth(next, px, bold) > maxWidth) {
      lines.push(line);
      line = t;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

/** Colour of the vertical background gradient at height y. */
function gradientAt(design: MasterDesign, y: number, height: number): string {
  return mix(design.scheme.top, design.scheme.bottom, Math.max(0, Math.min(1, y / height)));
}

function productSvg(kind: ProductKind, colour: string, box: Box): { svg: string; drawn: Box } {
  // Shapes live in a 100x100 unit square; `bbox` is the part they cover.
  const shapes: Record<ProductKind, { bbox: [number, number, number, number]; body: string }> = {
    bottle: {
      bbox: [30, 2, 70, 98],
      body: `<rect x="42" y="2" width="16" height="10" rx="2" fill="#ffffff"/>
        <rect x="45" y="11" width="10" height="11" fill="${colour}"/>
        <rect x="30" y="20" width="40" height="78" rx="10" fill="${colour}"/>
        <rect x="30" y="46" width="40" height="22" fill="#ffffff"/>
        <path d="M40 64 L50 50 L60 64 Z" fill="${colour}"/>`,
    },
    box: {
      bbox: [6, 14, 94, 98],
      body: `<rect x="10" y="40" width="80" height="58" fill="${colour}"/>
        <rect x="6" y="30" width="88" height="14" fill="${colour}"/>
        <rect x="6" y="42" width="88" height="2" fill="#000000" fill-opacity="0.2"/>
        <rect x="45" y="30" width="10" height="68" fill="#ffffff"/>
        <ellipse cx="39" cy="23" rx="11" ry="7" fill="none" stroke="#ffffff" stroke-width="4"/>
        <ellipse cx="61" cy="23" rx="11" ry="7" fill="none" stroke="#ffffff" stroke-width="4"/>`,
    },
    sneaker: {
      bbox: [3, 40, 98, 92],
      body: `<path d="M8 80 L10 56 Q12 46 24 48 L40 53 Q48 41 60 42 L70 55 Q86 61 93 70 L96 80 Z" fill="${colour}"/>
        <path d="M4 80 L97 80 Q99 90 90 92 L11 92 Q3 91 4 80 Z" fill="#ffffff"/>
        <path d="M44 52 L52 60 M50 48 L58 57 M56 45 L63 54" stroke="#ffffff" stroke-width="2.5"/>`,
    },
    can: {
      bbox: [28, 7, 72, 97],
      body: `<rect x="28" y="12" width="44" height="84" rx="6" fill="${colour}"/>
        <ellipse cx="50" cy="12" rx="22" ry="5" fill="#c8d0d6"/>
        <rect x="28" y="42" width="44" height="26" fill="#ffffff"/>
        <path d="M40 63 L50 48 L60 63 Z" fill="${colour}"/>`,
    },
  };
  const s = shapes[kind];
  const [x0, y0, x1, y1] = s.bbox;
  const scale = Math.min(box.w / (x1 - x0), box.h / (y1 - y0));
  const w = (x1 - x0) * scale;
  const h = (y1 - y0) * scale;
  const dx = box.x + (box.w - w) / 2 - x0 * scale;
  const dy = box.y + box.h - h - y0 * scale;
  const drawn = { x: r1(box.x + (box.w - w) / 2), y: r1(box.y + box.h - h), w: r1(w), h: r1(h) };
  const shadow = `<ellipse cx="${r1(drawn.x + w / 2)}" cy="${r1(drawn.y + h)}" rx="${r1(w * 0.55)}"
    ry="${r1(Math.max(2, h * 0.04))}" fill="#000000" fill-opacity="0.18"/>`;
  return {
    svg: `${shadow}<g transform="translate(${r1(dx)} ${r1(dy)}) scale(${scale.toFixed(4)})">${s.body}</g>`,
    drawn,
  };
}

/** Lays the design out at the requested size and locale. Pure: same input, same SVG. */
export function renderCreative(
  design: MasterDesign,
  opts: RenderOptions,
): { svg: string; layout: CreativeLayout } {
  const { width: W, height: H, locale, logos } = opts;
  const campaign = CAMPAIGNS.find((c) => c.slug === design.campaign)!;
  const short = Math.min(W, H);
  const m = Math.max(8, Math.round(0.05 * short));
  const ja = locale === 'ja-JP';
  const font = ja && opts.cjkFont ? opts.cjkFont : FONT;
  const cjkGlyphs = !ja || Boolean(opts.cjkFont);
  const fontAttr = `font-family="${esc(font)}"`;
  const parts: string[] = [];

  // Disclaimer band at the bottom: its size is a planted brand dimension.
  const dStyle = design.disclaimer;
  let disclaimer: CreativeLayout['disclaimer'] = null;
  let bandH = Math.round(m * 0.6);
  if (dStyle !== 'none') {
    const fontPx =
      dStyle === 'tiny'
        ? Math.max(3, Math.round(0.006 * short))
        : Math.max(11, Math.round(0.02 * short));
    const text = campaign.disclaimer[locale];
    const lines = wrap(text, fontPx, W - 2 * m, false);
    const lineH = fontPx * 1.3;
    bandH = Math.round(lines.length * lineH + m * 0.6);
    const y0 = H - bandH;
    const background =
      design.style === 'scene' ? design.scheme.bottom : gradientAt(design, H - bandH / 2, H);
    const normal = bestText(background, [COLOURS.navy, '#ffffff']);
    const colour = dStyle === 'low-contrast' ? mix(background, normal, 0.2) : normal;
    disclaimer = {
      text,
      fontPx,
      lines,
      colour,
      background,
      contrast: Math.round(contrastRatio(colour, background) * 100) / 100,
      box: {
        x: m,
        y: y0,
        w: r1(Math.min(W - 2 * m, Math.max(...lines.map((l) => textWidth(l, fontPx, false))))),
        h: r1(lines.length * lineH),
      },
    };
  }

  // Logo in its corner; bottom corners sit just above the disclaimer band.
  const logoSize = design.logo.size;
  const corner = design.logo.corner;
  let logo: CreativeLayout['logo'] = null;
  let topReserve = 0;
  let bottomReserve = 0;
  if (corner && logoSize !== 'none') {
    const lw = Math.max(6, Math.round((logoSize === 'tiny' ? 0.05 : 0.2) * W));
    const lh = Math.max(1, Math.round(lw / logos.standard.aspect));
    const left = corner.endsWith('left');
    const top = corner.startsWith('top');
    const x = left ? m : W - m - lw;
    const y = top ? m : H - bandH - Math.round(m * 0.5) - lh;
    if (top) topReserve = lh + Math.round(m * 0.5);
    else bottomReserve = lh + Math.round(m * 0.5);
    const background =
      !top && design.style === 'scene' ? design.scheme.bottom : gradientAt(design, y + lh / 2, H);
    const variant = contrastRatio(COLOURS.navy, background) >= 3 ? 'standard' : 'reversed';
    logo = { corner, box: { x, y, w: lw, h: lh }, variant, widthFraction: lw / W, background };
  }

  const content: Box = {
    x: m,
    y: m + topReserve,
    w: W - 2 * m,
    h: H - bandH - bottomReserve - Math.round(m * 0.3) - (m + topReserve),
  };
  const groundTop = content.y + content.h;

  // Text block and product box depend on the aspect: side by side when wide, stacked otherwise.
  const landscape = W / H >= 1.25;
  const textBox: Box = landscape
    ? { x: content.x, y: content.y + content.h * 0.1, w: content.w * 0.52, h: content.h * 0.8 }
    : { x: content.x, y: content.y + content.h * 0.04, w: content.w, h: content.h * 0.38 };
  let fontPx = Math.round(
    (landscape ? 0.11 * H : W / H < 0.8 ? 0.1 * W : 0.085 * W) * (ja ? 0.9 : 1),
  );
  const headText = design.headline.text[locale];
  let lines = wrap(headText, fontPx, textBox.w, true);
  const blockH = (f: number, n: number) => n * f * 1.18 + f * 0.5 + f * 0.75;
  while (
    fontPx > 8 &&
    (lines.length > 3 ||
      blockH(fontPx, lines.length) > textBox.h ||
      lines.some((l) => textWidth(l, fontPx, true) > textBox.w))
  ) {
    fontPx = Math.round(fontPx * 0.9);
    lines = wrap(headText, fontPx, textBox.w, true);
  }
  const headBg = gradientAt(design, textBox.y + (lines.length * fontPx * 1.18) / 2, H);
  const headColour = bestText(headBg, [COLOURS.navy, '#ffffff']);
  const usedH = blockH(fontPx, lines.length);
  const productBox: Box = landscape
    ? {
        x: content.x + content.w * 0.58,
        y: content.y + content.h * 0.06,
        w: content.w * 0.4,
        h: content.h * 0.94,
      }
    : {
        x: content.x + content.w * 0.12,
        y: textBox.y + usedH + content.h * 0.04,
        w: content.w * 0.76,
        h: Math.max(4, content.y + content.h - (textBox.y + usedH + content.h * 0.04)),
      };

  // Decoration stays in the product's area so it never runs under the headline.
  const deco: Box = landscape
    ? {
        x: productBox.x - content.w * 0.04,
        y: content.y,
        w: W - productBox.x + content.w * 0.04,
        h: groundTop - content.y,
      }
    : { x: 0, y: productBox.y, w: W, h: groundTop - productBox.y };
  // Background: the scheme's gradient, plus a scene (sun, hills, ground) or halo shapes.
  parts.push(`<defs><linearGradient id="bg" x1="0" y1="0" x2="${(design.variation * 0.08).toFixed(3)}" y2="1">
    <stop offset="0" stop-color="${design.scheme.top}"/><stop offset="1" stop-color="${design.scheme.bottom}"/>
  </linearGradient><clipPath id="deco"><rect x="${r1(deco.x)}" y="${r1(deco.y)}" width="${r1(deco.w)}" height="${r1(deco.h)}"/></clipPath></defs>`);
  parts.push(`<rect width="${W}" height="${H}" fill="url(#bg)"/>`);

  if (design.style === 'scene') {
    const hillH = content.h * 0.22;
    const sunR = Math.min(short * 0.09, productBox.h * 0.18);
    parts.push(
      `<circle clip-path="url(#deco)" cx="${r1(productBox.x + productBox.w * (0.7 + 0.25 * design.variation))}" cy="${r1(productBox.y + sunR * 1.2)}" r="${r1(sunR)}" fill="${design.scheme.second}" fill-opacity="0.9"/>`,
    );
    parts.push(
      `<path d="M0 ${r1(groundTop)} L${r1(W * 0.25)} ${r1(groundTop - hillH)} L${r1(W * 0.45)} ${r1(groundTop - hillH * 0.45)} L${r1(W * 0.7)} ${r1(groundTop - hillH * 0.9)} L${W} ${r1(groundTop - hillH * 0.3)} L${W} ${r1(groundTop)} Z" fill="${design.scheme.accent}" fill-opacity="0.85"/>`,
    );
    parts.push(
      `<rect x="0" y="${r1(groundTop)}" width="${W}" height="${r1(H - groundTop)}" fill="${design.scheme.bottom}"/>`,
    );
  } else if (design.style === 'shapes') {
    const cx = productBox.x + productBox.w / 2;
    const cy = productBox.y + productBox.h * 0.55;
    const rad = Math.min(productBox.w, productBox.h) * 0.55;
    parts.push(`<g clip-path="url(#deco)"><circle cx="${r1(cx)}" cy="${r1(cy)}" r="${r1(rad)}" fill="${design.scheme.accent}" fill-opacity="0.85"/>
      <circle cx="${r1(cx + rad * (0.55 + 0.4 * design.variation))}" cy="${r1(cy - rad * 0.7)}" r="${r1(rad * 0.35)}" fill="${design.scheme.second}"/></g>`);
  }

  const product = productSvg(design.product, design.productColour, productBox);
  parts.push(product.svg);

  const lineGap = fontPx * 1.18;
  const tspans = lines
    .map(
      (l, i) =>
        `<tspan x="${r1(textBox.x)}" y="${r1(textBox.y + fontPx + i * lineGap)}">${esc(l)}</tspan>`,
    )
    .join('');
  parts.push(
    `<text ${fontAttr} font-weight="bold" font-size="${fontPx}" fill="${headColour}">${tspans}</text>`,
  );

  // Call to action under the headline.
  const ctaFont = Math.max(7, Math.round(fontPx * 0.42));
  const ctaText = CTA_TEXT[locale];
  const ctaW = textWidth(ctaText, ctaFont, true) + ctaFont * 1.6;
  const ctaY = textBox.y + lines.length * lineGap + fontPx * 0.45;
  const ctaFill = headColour;
  const ctaInk = headColour === '#ffffff' ? COLOURS.navy : '#ffffff';
  parts.push(
    `<rect x="${r1(textBox.x)}" y="${r1(ctaY)}" width="${r1(ctaW)}" height="${r1(ctaFont * 1.8)}" rx="${r1(ctaFont * 0.9)}" fill="${ctaFill}"/>`,
  );
  parts.push(
    `<text ${fontAttr} font-weight="bold" font-size="${ctaFont}" fill="${ctaInk}" x="${r1(textBox.x + ctaFont * 0.8)}" y="${r1(ctaY + ctaFont * 1.25)}">${esc(ctaText)}</text>`,
  );

  if (logo) {
    const art = logo.variant === 'standard' ? logos.standard : logos.reversed;
    parts.push(
      `<image x="${logo.box.x}" y="${logo.box.y}" width="${logo.box.w}" height="${logo.box.h}" preserveAspectRatio="none" href="${art.dataUri}"/>`,
    );
  }

  if (disclaimer) {
    const lineH = disclaimer.fontPx * 1.3;
    const spans = disclaimer.lines
      .map(
        (l, i) =>
          `<tspan x="${m}" y="${r1(disclaimer.box.y + disclaimer.fontPx + i * lineH)}">${esc(l)}</tspan>`,
      )
      .join('');
    parts.push(
      `<text ${fontAttr} font-size="${disclaimer.fontPx}" fill="${disclaimer.colour}">${spans}</text>`,
    );
  }

  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">${parts.join('')}</svg>`;
  return {
    svg,
    layout: {
      width: W,
      height: H,
      locale,
      logo,
      headline: {
        text: headText,
        fontPx,
        lines,
        colour: headColour,
        contrast: Math.round(contrastRatio(headColour, headBg) * 100) / 100,
        box: {
          x: r1(textBox.x),
          y: r1(textBox.y),
          w: r1(Math.max(...lines.map((l) => textWidth(l, fontPx, true)))),
          h: r1(lines.length * lineGap),
        },
      },
      disclaimer,
      product: { kind: design.product, box: product.drawn },
      font,
      cjkGlyphs,
    },
  };
}
