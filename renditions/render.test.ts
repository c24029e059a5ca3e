import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { Fit, recipeHash, render } from './render.ts';
import { loadSpecs } from './specs.ts';

const limits = { maxPixels: 100e6 };
let photo: Buffer;

/** A photo-like 3000×2000 JPEG: a gradient under fine noise, which JPEG and PNG find costly. */
async function photoLike(width = 3000, height = 2000): Promise<Buffer> {
  const noise = Buffer.alloc((width / 4) * (height / 4) * 3);
  let x = 7;
  for (let i = 0; i < noise.length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    noise[i] = 60 + ((x >> 8) % 140);
  }
  const grain = await sharp(noise, { raw: { width: width / 4, height: height / 4, channels: 3 } })
    .resize(width, height, { kernel: 'nearest' })
    .png()
    .toBuffer();
  return sharp({
    create: { width, height, channels: 3, background: { r: 230, g: 120, b: 60 } },
  })
    .composite([{ input: grain, blend: 'overlay' }])
    .withExif({ IFD0: { Copyright: 'Northpeak', Artist: 'someone' } })
    .jpeg({ quality: 92 })
    .toBuffer();
}

beforeAll(async () => {
  photo = await photoLike();
}, 60_000);

describe('channel specs', () => {
  it('every shipped spec gives its exact size, in sRGB with the profile, within its byte limit', async () => {
    const specs = (await loadSpecs()).all();
    expect(specs.length).toBeGreaterThanOrEqual(13);
    for (const spec of specs) {
      for (const format of spec.formats) {
        const out = await render(photo, spec, { fit: 'smart-crop', format }, limits);
        const meta = await sharp(out.data).metadata();
        expect([meta.width, meta.height], `${spec.id} ${format}`).toEqual([
          spec.width,
          spec.height,
        ]);
        expect(out.bytes, `${spec.id} ${format}`).toBeLessThanOrEqual(spec.maxBytes);
        expect(meta.format).toBe(format);
        expect(meta.space).toBe('srgb');
        expect(meta.icc, `${spec.id} ${format}: profile`).toBeDefined();
        expect(meta.exif, `${spec.id} ${format}: metadata stripped`).toBeUndefined();
      }
    }
  }, 120_000);

  it('meets a tight byte limit by searching the quality, and says what it settled on', async () => {
    const spec = (await loadSpecs()).get('web-hero');
    const loose = await render(photo, spec, { format: 'jpeg', maxBytes: 50 * 1024 * 1024 }, limits);
    const limit = Math.floor(loose.bytes * 0.6);
    const out = await render(photo, spec, { format: 'jpeg', maxBytes: limit }, limits);
    expect(out.bytes).toBeLessThanOrEqual(limit);
    expect(out.quality).toBeLessThan(86);
    expect(out.explanation).toMatch(/quality \d+, \d+ KB of \d+ KB allowed/);
    // Below what any quality reaches, it says so instead of sending an oversized file.
    await expect(
      render(photo, spec, { format: 'jpeg', maxBytes: 8 * 1024 }, limits),
    ).rejects.toThrow(/allows 8 KB; this picture does not fit in jpeg/);
  });

  it('fits a portrait master into a landscape slot every way, exactly, and explains the crop', async () => {
    const portrait = await photoLike(1200, 1800);
    const spec = (await loadSpecs()).get('facebook-link');
    // outpaint needs an image model: its own tests give it one (outpaint.test.ts).
    for (const fit of Fit.options.filter((f) => f !== 'outpaint')) {
      const out = await render(portrait, spec, { fit, format: 'jpeg' }, limits);
      const meta = await sharp(out.data).metadata();
      expect([meta.width, meta.height], fit).toEqual([1200, 628]);
      expect(out.explanation.length).toBeGreaterThan(20);
    }
    const top = await render(portrait, spec, { fit: 'crop', focal: { x: 0.5, y: 0 } }, limits);
    expect(top.explanation).toMatch(/cut \d+% at the bottom/);
    expect(top.explanation).not.toMatch(/at the top/);
  });

  it('keeps metadata only when the recipe says so', async () => {
    const spec = (await loadSpecs()).get('instagram-feed');
    const kept = await render(photo, spec, { fit: 'crop', metadata: 'keep' }, limits);
    expect((await sharp(kept.data).metadata()).exif).toBeDefined();
  });

  it('fails a corrupt or non-image source at once, with a readable reason', async () => {
    const spec = (await loadSpecs()).get('instagram-feed');
    const truncated = photo.subarray(0, 2000);
    await expect(render(truncated, spec, {}, limits)).rejects.toThrow(/JPEG|corrupt|truncated/i);
    await expect(render(Buffer.from('<html>no</html>'), spec, {}, limits)).rejects.toThrow(
      /not an image/,
    );
    await expect(render(photo, spec, { format: 'webp' }, limits)).rejects.toThrow(
      /takes jpeg or png/,
    );
  });

  it('names a recipe by its content: the same recipe one hash, any change another', () => {
    const base = { source: 'sha256-abc123', spec: { id: 'web-hero', version: 1 } };
    expect(recipeHash(base)).toBe(recipeHash({ ...base, fit: 'smart-crop', format: 'jpeg' }));
    expect(recipeHash(base)).not.toBe(recipeHash({ ...base, focal: { x: 0.2, y: 0.5 } }));
    expect(recipeHash(base)).not.toBe(
      recipeHash({ ...base, spec: { id: 'web-hero', version: 2 } }),
    );
  });

  it("validates a user's spec file, naming the bad entry, and lets it add or replace specs", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'curator-specs-'));
    try {
      const good = path.join(dir, 'good.json');
      await writeFile(
        good,
        JSON.stringify([
          {
            id: 'tiktok-feed',
            name: 'TikTok feed',
            network: 'tiktok',
            width: 1080,
            height: 1920,
            maxBytes: 5e6,
            formats: ['jpeg'],
          },
          {
            id: 'display-mrec',
            name: 'Our MREC',
            network: 'programmatic',
            width: 300,
            height: 250,
            maxBytes: 100000,
            formats: ['jpeg'],
          },
        ]),
      );
      const cat = await loadSpecs(good);
      expect(cat.get('tiktok-feed').height).toBe(1920);
      expect(cat.get('display-mrec').maxBytes).toBe(100000);
      expect(cat.get('web-hero').width).toBe(1920);
      const bad = path.join(dir, 'bad.json');
      await writeFile(bad, JSON.stringify([{ id: 'Huge Banner', width: 0 }]));
      await expect(loadSpecs(bad)).rejects.toThrow(/entry 0 \(Huge Banner\): id: .*width/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** A generated creative: a face (a skin disc with eyes) and a headline, where the case puts them. */
async function creative(
  w: number,
  h: number,
  face: { cx: number; cy: number; r: number },
  headline: { x: number; y: number; width: number; height: number },
): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
    <rect width="100%" height="100%" fill="#2b6f8f"/>
    <circle cx="${face.cx}" cy="${face.cy}" r="${face.r}" fill="#e8b08c"/>
    <circle cx="${face.cx - face.r / 3}" cy="${face.cy - face.r / 5}" r="${face.r / 9}" fill="#222"/>
    <circle cx="${face.cx + face.r / 3}" cy="${face.cy - face.r / 5}" r="${face.r / 9}" fill="#222"/>
    <rect x="${headline.x}" y="${headline.y}" width="${headline.width}" height="${headline.height}" fill="#fff"/>
    <text x="${headline.x + 10}" y="${headline.y + headline.height * 0.8}" font-size="${headline.height * 0.8}" fill="#111">SALE 25%</text>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
}

describe('smart crop', () => {
  const inside = (
    win: { left: number; top: number; width: number; height: number },
    b: { x: number; y: number; width: number; height: number },
  ) =>
    b.x >= win.left &&
    b.y >= win.top &&
    b.x + b.width <= win.left + win.width &&
    b.y + b.height <= win.top + win.height;

  it('keeps the face and the headline inside the frame on generated cases, and says so', async () => {
    const specs = await loadSpecs();
    let cases = 0;
    let both = 0;
    // Landscape masters into portrait and square slots, and a portrait master into a wide banner.
    const layouts = [
      {
        w: 3000,
        h: 2000,
        face: { cx: 2500, cy: 900, r: 220 },
        head: { x: 1900, y: 1500, width: 900, height: 160 },
      },
      {
        w: 3000,
        h: 2000,
        face: { cx: 400, cy: 700, r: 200 },
        head: { x: 150, y: 1300, width: 800, height: 150 },
      },
      {
        w: 3000,
        h: 2000,
        face: { cx: 1700, cy: 800, r: 180 },
        head: { x: 1200, y: 150, width: 1000, height: 170 },
      },
      {
        w: 1600,
        h: 2400,
        face: { cx: 800, cy: 1900, r: 150 },
        head: { x: 300, y: 1550, width: 1000, height: 140 },
      },
    ];
    for (const L of layouts) {
      const src = await creative(L.w, L.h, L.face, L.head);
      const faceBox = {
        x: L.face.cx - L.face.r,
        y: L.face.cy - L.face.r,
        width: 2 * L.face.r,
        height: 2 * L.face.r,
      };
      const keep = [
        {
          kind: 'face' as const,
          x: faceBox.x / L.w,
          y: faceBox.y / L.h,
          width: faceBox.width / L.w,
          height: faceBox.height / L.h,
        },
        {
          kind: 'headline' as const,
          x: L.head.x / L.w,
          y: L.head.y / L.h,
          width: L.head.width / L.w,
          height: L.head.height / L.h,
        },
      ];
      const targets =
        L.w > L.h
          ? ['instagram-story', 'instagram-feed', 'display-skyscraper']
          : ['facebook-link', 'web-hero'];
      for (const id of targets) {
        const spec = specs.get(id);
        const out = await render(src, spec, { fit: 'smart-crop', keep }, limits);
        expect([out.width, out.height]).toEqual([spec.width, spec.height]);
        const win = out.window!;
        expect(inside(win, faceBox), `${id}: face in ${JSON.stringify(win)}`).toBe(true);
        // Both fit when the span from the face to the headline is no wider than the window.
        const horizontal = win.width < L.w;
        const from = Math.min(horizontal ? faceBox.x : faceBox.y, horizontal ? L.head.x : L.head.y);
        const to = Math.max(
          horizontal ? faceBox.x + faceBox.width : faceBox.y + faceBox.height,
          horizontal ? L.head.x + L.head.width : L.head.y + L.head.height,
        );
        if (to - from <= (horizontal ? win.width : win.height)) {
          expect(inside(win, L.head), `${id}: headline in ${JSON.stringify(win)}`).toBe(true);
          expect(out.explanation).toMatch(/^kept the face and the headline; (cut \d+%|no cut)/);
          both++;
        } else {
          expect(out.explanation).toMatch(/^kept the face, could not keep the headline; cut/);
        }
        // The pixels agree: the face's skin tone is in the output, where the window puts it.
        const fx = Math.round(((L.face.cx - win.left) / win.width) * spec.width);
        const fy = Math.round(((L.face.cy + L.face.r / 2 - win.top) / win.height) * spec.height);
        const { data } = await sharp(out.data)
          .extract({
            left: Math.min(fx, spec.width - 1),
            top: Math.min(fy, spec.height - 1),
            width: 1,
            height: 1,
          })
          .raw()
          .toBuffer({ resolveWithObject: true });
        expect(
          Math.abs(data[0]! - 0xe8) + Math.abs(data[1]! - 0xb0),
          `${id}: skin at the face`,
        ).toBeLessThan(40);
        cases++;
      }
    }
    expect(cases).toBe(11);
    expect(both).toBeGreaterThanOrEqual(8);
  }, 60_000);

  it('keeps the face first when face and headline cannot both fit, and names what it lost', async () => {
    const src = await creative(
      3000,
      1000,
      { cx: 300, cy: 500, r: 200 },
      { x: 2300, y: 400, width: 600, height: 150 },
    );
    const keep = [
      {
        kind: 'face' as const,
        x: 100 / 3000,
        y: 300 / 1000,
        width: 400 / 3000,
        height: 400 / 1000,
      },
      { kind: 'headline' as const, x: 2300 / 3000, y: 0.4, width: 600 / 3000, height: 0.15 },
    ];
    const out = await render(src, (await loadSpecs()).get('instagram-story'), { keep }, limits);
    expect(out.window!.left).toBeLessThanOrEqual(100);
    expect(out.window!.left + out.window!.width).toBeGreaterThanOrEqual(500);
    expect(out.explanation).toMatch(
      /^kept the face, could not keep the headline; cut \d+% on the left, \d+% on the right/,
    );
  });

  it('puts a manual focal point before everything else', async () => {
    const src = await creative(
      3000,
      2000,
      { cx: 2500, cy: 900, r: 200 },
      { x: 100, y: 100, width: 600, height: 150 },
    );
    const out = await render(
      src,
      (await loadSpecs()).get('instagram-story'),
      {
        focal: { x: 0, y: 0.5 },
        keep: [{ kind: 'face', x: 0.77, y: 0.35, width: 0.14, height: 0.2 }],
      },
      limits,
    );
    expect(out.window!.left).toBe(0);
    expect(out.explanation).toMatch(/^kept the focal point; cut \d+% on the right/);
  });
});
