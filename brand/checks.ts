// Brand QA: an asset against its brand kit and, for a rendition or cut, its channel's spec. Each
// check gives the measured value, the threshold, a verdict and its evidence (boxes in pixels of the
// asset, for the evidence picture). It reads what enrichment stored for the asset's current
// version (palette, OCR lines with their size and contrast, the logo box), never a ground truth.
import type { ChannelSpec } from '../renditions/specs.ts';
import type { Asset, OcrLine } from '../store/models.ts';
import { deltaE2000, hexToRgb, rgbToLab } from '../vision/color.ts';
import type { BrandKit, Disclaimer } from './kit.ts';

export type Verdict = 'pass' | 'warn' | 'fail';
export type CheckKind = 'palette' | 'logo' | 'disclaimer' | 'headline' | 'technical';

export interface Finding {
  kind: CheckKind;
  /** What was checked, e.g. "logo size", "disclaimer legibility". */
  check: string;
  verdict: Verdict;
  /** The measured value, in words with its unit ("7.4% of the width (89 px)"). */
  value: string;
  threshold: string;
  /** Why, in a sentence a person can act on. */
  reason: string;
  box?: { x: number; y: number; width: number; height: number };
}

export interface QaResult {
  verdict: Verdict;
  /** 0..100: the share of checks passed (a warning counts half). */
  score: number;
  findings: Finding[];
  /** Checks that could not run, and why (no OCR yet, no channel…). */
  skipped: string[];
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** White and near-black are always allowed (text, rules, shadows). */
function neutral([l, a, b]: [number, number, number]): boolean {
  const chroma = Math.hypot(a, b);
  return chroma < 8 && (l > 90 || l < 15);
}

function paletteCheck(asset: Asset, kit: BrandKit): Finding[] {
  const kitLab = kit.palette.map((c) => ({ ...c, lab: rgbToLab(...hexToRgb(c.hex)) }));
  let on = 0;
  let total = 0;
  const off: string[] = [];
  for (const c of asset.palette) {
    total += c.coverage;
    if (neutral(c.lab)) {
      on += c.coverage;
      continue;
    }
    let best = kitLab[0];
    let bestD = Number.POSITIVE_INFINITY;
    for (const k of kitLab) {
      const d = deltaE2000(...c.lab, ...k.lab);
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    }
    if (best && bestD <= best.tolerance) on += c.coverage;
    else if (c.coverage >= 0.05) {
      off.push(
        `${c.name} ${c.hex} covers ${pct(c.coverage)} (ΔE ${bestD.toFixed(0)} from ${best?.name ?? 'the palette'})`,
      );
    }
  }
  if (!total) return [];
  const share = on / total;
  const verdict: Verdict =
    share >= kit.minOnPalette
      ? off.length && share < kit.minOnPalette + 0.1
        ? 'warn'
        : 'pass'
      : 'fail';
  return [
    {
      kind: 'palette',
      check: 'palette',
      verdict,
      value: `${pct(share)} on palette`,
      threshold: `at least ${pct(kit.minOnPalette)} within ΔE ${kit.palette[0]?.tolerance ?? 15} of the brand colours`,
      reason: off.length
        ? `off-brand colours: ${off.join('; ')}`
        : 'every dominant colour is a brand colour or a neutral',
    },
  ];
}

function logoChecks(asset: Asset, kit: BrandKit, skipped: string[]): Finding[] {
  const logo = asset.logo;
  if (!logo || logo.assetVersion !== asset.version) {
    skipped.push('logo: not detected on this version yet (curator enrich --step logo)');
    return [];
  }
  if (!logo.found || !logo.box) {
    return kit.logo.required
      ? [
          {
            kind: 'logo',
            check: 'logo present',
            verdict: 'fail',
            value: `not found (best match ${logo.score.toFixed(2)})`,
            threshold: 'the brand logo, light or dark lockup',
            reason: 'no brand logo was found in the picture',
          },
        ]
      : [];
  }
  const out: Finding[] = [];
  const min = Math.max(kit.logo.minWidthFraction * asset.width, kit.logo.minWidthPx);
  const w = logo.box.width;
  out.push({
    kind: 'logo',
    check: 'logo size',
    verdict: w >= min ? 'pass' : 'fail',
    value: `${pct(w / asset.width)} of the width (${Math.round(w)} px)`,
    threshold: `at least ${pct(kit.logo.minWidthFraction)} of the width and ${kit.logo.minWidthPx} px (${Math.round(min)} px here)`,
    reason: w >= min ? 'the logo is large enough' : 'the logo is smaller than the brand minimum',
    box: logo.box,
  });
  // Clear space: no text inside the margin around the logo, and the logo not at the very edge.
  const m = kit.logo.clearSpaceFraction * asset.width;
  const b = logo.box;
  const crowd = (asset.ocr?.assetVersion === asset.version ? asset.ocr.lines : []).filter(
    (l) =>
      l.box.x < b.x + b.width + m &&
      l.box.x + l.box.width > b.x - m &&
      l.box.y < b.y + b.height + m &&
      l.box.y + l.box.height > b.y - m &&
      // The wordmark itself reads as text inside the logo box.
      !(l.box.x >= b.x - 2 && l.box.x + l.box.width <= b.x + b.width + 2),
  );
  const edge = Math.min(b.x, b.y, asset.width - b.x - b.width, asset.height - b.y - b.height);
  const clear = !crowd.length && edge >= m * 0.5;
  out.push({
    kind: 'logo',
    check: 'logo clear space',
    verdict: clear ? 'pass' : 'warn',
    value: crowd.length
      ? `text "${crowd[0]!.text.slice(0, 40)}" within the margin`
      : `${Math.round(edge)} px to the nearest edge`,
    threshold: `${Math.round(m)} px free around the logo (${pct(kit.logo.clearSpaceFraction)} of the width)`,
    reason: clear ? 'the logo has its clear space' : 'something crowds the logo',
    box: b,
  });
  const zones = asset.channel ? kit.logo.zones[asset.channel] : undefined;
  if (zones?.length && logo.zone) {
    out.push({
      kind: 'logo',
      check: 'logo zone',
      verdict: zones.includes(logo.zone) ? 'pass' : 'fail',
      value: logo.zone,
      threshold: `one of ${zones.join(', ')} on ${asset.channel}`,
      reason: zones.includes(logo.zone)
        ? 'the logo sits where the channel allows'
        : `the logo sits ${logo.zone}, where ${asset.channel} does not allow it`,
      box: b,
    });
  }
  return out;
}

/** Letters and digits only, lower case, accents folded: OCR often drops spaces and accents. */
const squash = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');

/** Character bigrams of a squashed text, for a fuzzy match that survives OCR's slips. */
function bigrams(s: string): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < s.length - 1; i++) {
    const g = s.slice(i, i + 2);
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
}

/** How much of `want` the lines hold, 0..1 (the share of its bigrams found in them). */
function coverage(want: string, lines: readonly OcrLine[]): number {
  const w = bigrams(squash(want));
  const have = bigrams(lines.map((l) => squash(l.text)).join(''));
  let hit = 0;
  let all = 0;
  for (const [g, n] of w) {
    all += n;
    hit += Math.min(n, have.get(g) ?? 0);
  }
  return all ? hit / all : 0;
}

/** The disclaimer this asset must carry: its campaign's, for its channel and locale. */
export function requiredDisclaimer(asset: Asset, kit: BrandKit): Disclaimer | undefined {
  const locale = asset.locale ?? 'en-US';
  const fits = (d: Disclaimer) =>
    d.locale === locale &&
    (!d.campaign || asset.campaigns.includes(d.campaign)) &&
    (!d.channel || d.channel === asset.channel);
  // The most specific rule wins: channel and campaign over campaign over brand-wide.
  return kit.disclaimer.required
    .filter(fits)
    .sort(
      (a, b) =>
        Number(!!b.channel) - Number(!!a.channel) || Number(!!b.campaign) - Number(!!a.campaign),
    )[0];
}

function textChecks(asset: Asset, kit: BrandKit, skipped: string[]): Finding[] {
  const ocr = asset.ocr;
  if (!ocr || ocr.assetVersion !== asset.version) {
    skipped.push('disclaimer and headline: no OCR of this version yet (curator enrich --step ocr)');
    return [];
  }
  const out: Finding[] = [];
  const lines = ocr.lines.filter((l) => l.text.trim().length > 1);
  const headline = [...lines].sort((a, b) => b.fontPx - a.fontPx)[0];
  if (headline) {
    out.push({
      kind: 'headline',
      check: 'headline contrast',
      verdict: headline.contrast >= kit.headlineMinContrast ? 'pass' : 'fail',
      value: `${headline.contrast.toFixed(1)}:1`,
      threshold: `at least ${kit.headlineMinContrast}:1 (WCAG, large text)`,
      reason:
        headline.contrast >= kit.headlineMinContrast
          ? `"${headline.text.slice(0, 40)}" stands out from its background`
          : `"${headline.text.slice(0, 40)}" is hard to read against its background`,
      box: headline.box,
    });
  }
  const want = requiredDisclaimer(asset, kit);
  if (!want) return out;
  // The lines that are part of the disclaimer: each shares most of its text with it, is more than
  // a word or two, and is not the logo's wordmark ("NORTHPEAK" is in many disclaimers too).
  const logoBox = asset.logo?.assetVersion === asset.version ? asset.logo.box : undefined;
  const inLogo = (l: OcrLine) =>
    !!logoBox &&
    l.box.x >= logoBox.x - 4 &&
    l.box.y >= logoBox.y - 4 &&
    l.box.x + l.box.width <= logoBox.x + logoBox.width + 4 &&
    l.box.y + l.box.height <= logoBox.y + logoBox.height + 4;
  const part = lines.filter(
    (l) =>
      l !== headline &&
      squash(l.text).length >= 12 &&
      !inLogo(l) &&
      coverage(l.text, [{ ...l, text: want.text }]) >= 0.6,
  );
  const found = coverage(want.text, part);
  const short = Math.min(asset.width, asset.height);
  const minPx = Math.max(kit.disclaimer.minFontPx, kit.disclaimer.minFontFraction * short);
  if (found < 0.6) {
    out.push({
      kind: 'disclaimer',
      check: 'disclaimer present',
      verdict: 'fail',
      value: found > 0.2 ? `${pct(found)} of its text read` : 'not read',
      threshold: `"${want.text.slice(0, 80)}${want.text.length > 80 ? '…' : ''}" (${want.locale})`,
      reason:
        found > 0.2
          ? 'only part of the required disclaimer could be read: it is cut, covered or too small'
          : `the required disclaimer is missing, or too small to read (under ${Math.round(minPx)} px)`,
    });
    return out;
  }
  const box = part.reduce(
    (b, l) => {
      const x = Math.min(b.x, l.box.x);
      const y = Math.min(b.y, l.box.y);
      return {
        x,
        y,
        width: Math.max(b.x + b.width, l.box.x + l.box.width) - x,
        height: Math.max(b.y + b.height, l.box.y + l.box.height) - y,
      };
    },
    { ...part[0]!.box },
  );
  const fontPx = Math.min(...part.map((l) => l.fontPx));
  const contrast = Math.min(...part.map((l) => l.contrast));
  out.push(
    {
      kind: 'disclaimer',
      check: 'disclaimer present',
      verdict: 'pass',
      value: `${pct(found)} of its text read`,
      threshold: 'at least 60% of the required text',
      reason: 'the required disclaimer is there',
      box,
    },
    {
      kind: 'disclaimer',
      check: 'disclaimer legibility',
      verdict: fontPx >= minPx ? 'pass' : 'fail',
      value: `${fontPx.toFixed(1)} px text`,
      threshold: `at least ${Math.round(minPx * 10) / 10} px (${kit.disclaimer.minFontPx} px, or ${pct(kit.disclaimer.minFontFraction)} of the short side)`,
      reason:
        fontPx >= minPx
          ? 'the disclaimer is large enough to read'
          : 'the disclaimer is too small to read',
      box,
    },
    {
      kind: 'disclaimer',
      check: 'disclaimer contrast',
      verdict: contrast >= kit.disclaimer.minContrast ? 'pass' : 'fail',
      value: `${contrast.toFixed(1)}:1`,
      threshold: `at least ${kit.disclaimer.minContrast}:1 (WCAG AA)`,
      reason:
        contrast >= kit.disclaimer.minContrast
          ? 'the disclaimer stands out from its background'
          : 'the disclaimer is too faint against its background',
      box,
    },
  );
  return out;
}

/** What the channel's spec asks of the file: exact size, bytes, format. */
function technicalChecks(asset: Asset, spec: ChannelSpec): Finding[] {
  const format = asset.mime.replace(/^image\//, '').replace('jpg', 'jpeg');
  const size = asset.width === spec.width && asset.height === spec.height;
  return [
    {
      kind: 'technical',
      check: 'dimensions',
      verdict: size ? 'pass' : 'fail',
      value: `${asset.width}×${asset.height}`,
      threshold: `${spec.width}×${spec.height} for ${spec.name}`,
      reason: size ? 'the exact size of the channel' : `not the size ${spec.name} takes`,
    },
    {
      kind: 'technical',
      check: 'file size',
      verdict: asset.bytes <= spec.maxBytes ? 'pass' : 'fail',
      value: `${Math.round(asset.bytes / 1024)} KB`,
      threshold: `at most ${Math.round(spec.maxBytes / 1024)} KB`,
      reason:
        asset.bytes <= spec.maxBytes ? 'within the byte limit' : 'over the channel’s byte limit',
    },
    {
      kind: 'technical',
      check: 'format',
      verdict: (spec.formats as readonly string[]).includes(format) ? 'pass' : 'fail',
      value: format,
      threshold: spec.formats.join(' or '),
      reason: (spec.formats as readonly string[]).includes(format)
        ? 'a format the channel takes'
        : 'a format the channel refuses',
    },
  ];
}

/**
 * Every check that applies: masters (no channel) against the brand-wide rules and their campaign's
 * disclaimer; renditions and cuts against their channel too.
 */
export function checkAsset(asset: Asset, kit: BrandKit, spec?: ChannelSpec): QaResult {
  const skipped: string[] = [];
  const findings = [
    ...paletteCheck(asset, kit),
    ...logoChecks(asset, kit, skipped),
    ...textChecks(asset, kit, skipped),
    ...(spec ? technicalChecks(asset, spec) : []),
  ];
  if (!spec && asset.channel) skipped.push(`technical: no channel spec "${asset.channel}"`);
  const verdict: Verdict = findings.some((f) => f.verdict === 'fail')
    ? 'fail'
    : findings.some((f) => f.verdict === 'warn')
      ? 'warn'
      : 'pass';
  const points = findings.reduce(
    (n, f) => n + (f.verdict === 'pass' ? 1 : f.verdict === 'warn' ? 0.5 : 0),
    0,
  );
  return {
    verdict,
    score: findings.length ? Math.round((points / findings.length) * 100) : 0,
    findings,
    skipped,
  };
}
