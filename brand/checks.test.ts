import { describe, expect, it } from 'vitest';
import { BRAND_PALETTE, BRAND_RULES } from '../demo/brand-kit.ts';
import { ChannelSpec, SHIPPED_SPECS } from '../renditions/specs.ts';
import type { Asset, OcrLine } from '../store/models.ts';
import { hexToRgb, rgbToLab } from '../vision/color.ts';
import { checkAsset } from './checks.ts';
import { kitOf } from './kit.ts';

const DISCLAIMER =
  'Offer valid 2 Mar to 30 May 2026 while stocks last. Terms apply. Northpeak Ltd.';
const kit = kitOf({
  id: 'northpeak',
  name: 'Northpeak',
  palette: [...BRAND_PALETTE],
  rules: {
    ...BRAND_RULES,
    disclaimers: [{ campaign: 'spring-launch', locale: 'en-US', text: DISCLAIMER }],
  },
});

const colour = (hex: string, name: string, coverage: number) => ({
  hex,
  name,
  coverage,
  lab: rgbToLab(...hexToRgb(hex)) as [number, number, number],
});
const line = (text: string, o: Partial<OcrLine> & { y: number }): OcrLine => ({
  text,
  confidence: 0.95,
  box: { x: 60, y: o.y, width: 900, height: (o.fontPx ?? 20) * 1.3 },
  heightPx: (o.fontPx ?? 20) * 1.3,
  fontPx: 20,
  contrast: 7,
  ...o,
});

/** A 1200×628 spring creative that follows every rule; each test breaks one. */
function creative(over: Partial<Asset> = {}, lines?: OcrLine[]): Asset {
  return {
    id: 'a1',
    contentHash: 'h',
    originalName: 'a.jpg',
    mime: 'image/jpeg',
    width: 1200,
    height: 628,
    bytes: 120_000,
    blobKey: 'k',
    title: 'Spring hero',
    description: '',
    keywords: [],
    palette: [
      colour('#1b2a4a', 'navy', 0.45),
      colour('#f2d8a7', 'sand', 0.4),
      colour('#ffffff', 'white', 0.15),
    ],
    tags: [],
    status: 'approved',
    kind: 'master',
    version: 1,
    locale: 'en-US',
    campaigns: ['spring-launch'],
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    logo: {
      model: 'test',
      assetVersion: 1,
      brand: 'northpeak',
      found: true,
      score: 0.93,
      box: { x: 960, y: 40, width: 200, height: 60 },
      widthPct: 16.7,
      zone: 'top-right',
    },
    ocr: {
      model: 'test',
      assetVersion: 1,
      lines: lines ?? [
        line('Gear up for spring', { y: 200, fontPx: 64, contrast: 9 }),
        line('Offer valid 2 Mar to 30 May 2026 while stocks last.', { y: 560, fontPx: 14 }),
        line('Terms apply. Northpeak Ltd.', { y: 585, fontPx: 14 }),
      ],
      text: '',
    },
    ...over,
  };
}

const failed = (a: Asset, spec?: ChannelSpec) =>
  checkAsset(a, kit, spec).findings.filter((f) => f.verdict === 'fail');

describe('brand QA checks', () => {
  it('passes a compliant creative on every check', () => {
    const qa = checkAsset(creative(), kit);
    expect(qa.findings.map((f) => [f.check, f.verdict])).toEqual([
      ['palette', 'pass'],
      ['logo size', 'pass'],
      ['logo clear space', 'pass'],
      ['headline contrast', 'pass'],
      ['disclaimer present', 'pass'],
      ['disclaimer legibility', 'pass'],
      ['disclaimer contrast', 'pass'],
    ]);
    expect(qa).toMatchObject({ verdict: 'pass', score: 100, skipped: [] });
  });

  it('fails a logo shrunk below the minimum, with the measured size', () => {
    const a = creative({
      logo: { ...creative().logo!, box: { x: 1100, y: 40, width: 60, height: 18 } },
    });
    expect(failed(a)).toMatchObject([
      {
        check: 'logo size',
        value: '5.0% of the width (60 px)',
        threshold: expect.stringMatching(/12\.0% of the width and 40 px \(144 px here\)/),
      },
    ]);
  });

  it('fails an off-palette background and names the colour with its coverage', () => {
    const a = creative({
      palette: [colour('#7fff00', 'chartreuse', 0.7), colour('#1b2a4a', 'navy', 0.3)],
    });
    const [f] = failed(a);
    expect(f).toMatchObject({ check: 'palette', value: '30.0% on palette' });
    expect(f!.reason).toMatch(/chartreuse #7fff00 covers 70\.0% \(ΔE \d+ from /);
  });

  it('fails a disclaimer at 8 px, and one at a contrast of 2:1, with the measured values', () => {
    const small = creative({}, [
      line('Gear up for spring', { y: 200, fontPx: 64, contrast: 9 }),
      line(DISCLAIMER, { y: 590, fontPx: 8 }),
    ]);
    expect(failed(small)).toMatchObject([
      {
        check: 'disclaimer legibility',
        value: '8.0 px text',
        threshold: expect.stringMatching(/^at least 10 px/),
      },
    ]);
    const faint = creative({}, [
      line('Gear up for spring', { y: 200, fontPx: 64, contrast: 9 }),
      line(DISCLAIMER.replaceAll(' ', ''), { y: 590, fontPx: 14, contrast: 2 }),
    ]);
    expect(failed(faint)).toMatchObject([
      { check: 'disclaimer contrast', value: '2.0:1', threshold: 'at least 4.5:1 (WCAG AA)' },
    ]);
  });

  it('fails a missing disclaimer and a missing logo, and says what it could not check', () => {
    const a = creative(
      { logo: { ...creative().logo!, found: false, box: undefined, score: 0.31 } },
      [line('Gear up for spring', { y: 200, fontPx: 64, contrast: 9 })],
    );
    expect(failed(a).map((f) => [f.check, f.value])).toEqual([
      ['logo present', 'not found (best match 0.31)'],
      ['disclaimer present', 'not read'],
    ]);
    const unread = checkAsset(creative({ ocr: undefined, logo: undefined }), kit);
    expect(unread.skipped.join(' ')).toMatch(/logo: not detected.*no OCR of this version/);
  });

  it("checks a rendition against its channel's spec", () => {
    const spec = ChannelSpec.parse(SHIPPED_SPECS.find((s) => s.id === 'display-mrec'));
    const a = creative({
      kind: 'rendition',
      channel: 'display-mrec',
      width: 300,
      height: 260,
      bytes: 400_000,
      palette: creative().palette,
    });
    expect(failed(a, spec).map((f) => [f.check, f.value])).toEqual(
      expect.arrayContaining([
        ['dimensions', '300×260'],
        ['file size', '391 KB'],
      ]),
    );
  });
});
