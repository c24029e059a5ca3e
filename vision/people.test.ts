import { readdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { findPeople } from './people.ts';

// The sample photos that @vladmandic/face-api ships (a dev dependency), read where npm put them.
const SAMPLES = path.resolve(import.meta.dirname, '../node_modules/@vladmandic/face-api/demo');

describe('people, faces and expressions', () => {
  it("finds the faces in face-api's sample photos, with an expression, and never an age or gender", async () => {
    const files = (await readdir(SAMPLES)).filter((f) => /^sample\d\.jpg$/.test(f)).sort();
    expect(files.length).toBeGreaterThanOrEqual(3);
    let faces = 0;
    for (const f of files) {
      const data = await sharp(path.join(SAMPLES, f)).toBuffer();
      const meta = await sharp(data).metadata();
      const r = await findPeople(data, { width: meta.width!, height: meta.height! });
      expect(r.faces.length, f).toBeGreaterThanOrEqual(1);
      expect(r.people).toBeGreaterThanOrEqual(r.faces.length);
      for (const face of r.faces) {
        expect(face.score).toBeGreaterThanOrEqual(0.6);
        expect(face.box.width).toBeGreaterThan(10);
        expect(Object.keys(face).sort()).toEqual(expect.arrayContaining(['box', 'score']));
        expect(face).not.toHaveProperty('age');
        expect(face).not.toHaveProperty('gender');
      }
      faces += r.faces.length;
    }
    expect(faces).toBeGreaterThanOrEqual(files.length);
  }, 120_000);

  it('reports no one on flat vector art', async () => {
    const art = await sharp(
      Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="628">
        <rect width="100%" height="100%" fill="#f4a261"/><circle cx="900" cy="300" r="180" fill="#264653"/>
        <path d="M100 500 L300 200 L420 380 L500 280 L700 500 Z" fill="#2a9d8f"/>
        <text x="60" y="120" font-family="sans-serif" font-size="72" font-weight="bold" fill="#111">Summer Sale</text></svg>`),
    )
      .jpeg()
      .toBuffer();
    const r = await findPeople(art, { width: 1200, height: 628 });
    expect(r).toEqual({ faces: [], people: 0 });
  }, 60_000);
});
