import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { analyzeImage } from './analyze.ts';
import { cleanText } from './metadata.ts';
import { withIptc, xmpPacket } from './test-fixtures.ts';

const base = () =>
  sharp({ create: { width: 160, height: 120, channels: 3, background: '#3a6ea5' } });
const xmp = xmpPacket({
  title: 'Spring hero',
  description: 'Tulips at dawn',
  creator: 'Ada Lovelace',
  keywords: ['spring', 'tulips', 'Spring'],
  rights: '© 2024 Acme',
});
const exif = {
  IFD0: { Make: 'Canon', Model: 'Canon EOS R5', Software: 'Lightroom 13', Artist: 'EXIF Artist' },
  IFD2: {
    DateTimeOriginal: '2024:03:21 07:45:10',
    OffsetTimeOriginal: '+02:00',
    LensModel: 'RF24-70mm F2.8 L',
  },
};

describe('metadata', () => {
  it.each(['jpeg', 'png', 'webp'] as const)('reads XMP and EXIF from %s', async (format) => {
    const data = await base().withExif(exif).withXmp(xmp).toFormat(format).toBuffer();
    const { meta } = await analyzeImage(data, { maxPixels: 1e8 });
    expect(meta).toMatchObject({
      title: 'Spring hero',
      description: 'Tulips at dawn',
      creator: 'Ada Lovelace',
      copyright: '© 2024 Acme',
      keywords: ['spring', 'tulips'],
      keywordSource: 'xmp',
      capture: {
        capturedAt: '2024-03-21T07:45:10+02:00',
        camera: 'Canon EOS R5',
        lens: 'RF24-70mm F2.8 L',
        software: 'Lightroom 13',
      },
    });
  });

  it('falls back to EXIF fields when there is no XMP', async () => {
    const data = await base()
      .withExif({
        IFD0: {
          ImageDescription: 'Harbour at night',
          Artist: 'Grace Hopper',
          Copyright: 'CC-BY',
          Make: 'FUJIFILM',
          Model: 'X-T5',
        },
      })
      .jpeg()
      .toBuffer();
    const { meta } = await analyzeImage(data, { maxPixels: 1e8 });
    expect(meta).toMatchObject({
      description: 'Harbour at night',
      creator: 'Grace Hopper',
      copyright: 'CC-BY',
      capture: { camera: 'FUJIFILM X-T5' },
    });
    expect(meta.title).toBeUndefined();
  });

  it('reads IPTC (UTF-8) from a JPEG', async () => {
    const jpeg = await base().jpeg().toBuffer();
    const data = withIptc(jpeg, [
      [5, 'Café terrace'],
      [25, 'summer'],
      [25, 'terrace'],
      [80, 'Zoë Photographer'],
      [116, '© Studio'],
      [120, 'Evening light'],
    ]);
    const { meta } = await analyzeImage(data, { maxPixels: 1e8 });
    expect(meta).toMatchObject({
      title: 'Café terrace',
      description: 'Evening light',
      keywords: ['summer', 'terrace'],
      keywordSource: 'iptc',
      creator: 'Zoë Photographer',
      copyright: '© Studio',
    });
  });

  it('treats metadata as untrusted text: control characters go, length is capped', () => {
    expect(cleanText('Title\u0000 with\nnew\u202eline')).toBe('Title with new line');
    expect(cleanText('x'.repeat(1000), 300)).toHaveLength(300);
    expect(cleanText('  \u0001 ')).toBeUndefined();
  });
});
