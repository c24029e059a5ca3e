import { describe, expect, it } from 'vitest';
import { fitInside, flattenOnWhite, luma, resample } from './resample.ts';

const rgba = (
  w: number,
  h: number,
  px: (x: number, y: number) => [number, number, number, number],
) => {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(px(x, y), (y * w + x) * 4);
  return { data, width: w, height: h, channels: 4 };
};

describe('resample', () => {
  it('averages areas, weighting colour by alpha so hidden colours do not bleed', () => {
    // Left half opaque red, right half fully transparent green.
    const img = rgba(16, 16, (x) => (x < 8 ? [255, 0, 0, 255] : [0, 255, 0, 0]));
    const one = resample(img, 1, 1);
    expect([...one.data]).toEqual([255, 0, 0, 128]);
    const two = resample(img, 2, 1);
    expect([...two.data.subarray(0, 4)]).toEqual([255, 0, 0, 255]);
    expect(two.data[7]).toBe(0);
  });

  it('uses nearest neighbour when enlarging and keeps the aspect when fitting', () => {
    const img = { data: new Uint8Array([0, 255]), width: 2, height: 1, channels: 1 };
    expect([...resample(img, 4, 2).data]).toEqual([0, 0, 255, 255, 0, 0, 255, 255]);
    expect(fitInside(3000, 2000, 64)).toEqual({ width: 64, height: 43 });
    expect(fitInside(20, 10, 64)).toEqual({ width: 20, height: 10 });
  });

  it('flattens on white and computes luma', () => {
    const flat = flattenOnWhite(rgba(1, 1, () => [0, 0, 0, 0]));
    expect([...flat.data]).toEqual([255, 255, 255]);
    expect([
      ...luma({ data: new Uint8Array([255, 0, 0]), width: 1, height: 1, channels: 3 }).data,
    ]).toEqual([54]);
  });
});
