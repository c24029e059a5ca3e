// 64-bit DCT perceptual hash (the classic pHash): near-identical pictures differ in a few bits,
// unrelated ones in about half. Input is a 32x32 greyscale image, 8 bits per pixel.
export const PHASH_SIZE = 32;

const COS: Float64Array[] = [];
for (let u = 0; u <= 8; u++) {
  const row = new Float64Array(PHASH_SIZE);
  for (let x = 0; x < PHASH_SIZE; x++)
    row[x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * PHASH_SIZE));
  COS.push(row);
}

/** 16 hex characters. Uses DCT coefficients 1..8 in each direction (DC and its row/column are skipped). */
export function phashFromGrey(grey: Uint8Array): string {
  const n = PHASH_SIZE;
  if (grey.length !== n * n)
    throw new Error(`phash needs ${n}x${n} grey pixels, got ${grey.length}`);
  // Separable DCT, only for the 9x9 lowest frequencies we need.
  const rows = new Float64Array(9 * n); // rows[u*n + y] = sum_x f(x,y) cos_u(x)
  for (let y = 0; y < n; y++) {
    for (let u = 0; u <= 8; u++) {
      const c = COS[u]!;
      let s = 0;
      for (let x = 0; x < n; x++) s += grey[y * n + x]! * c[x]!;
      rows[u * n + y] = s;
    }
  }
  const coeffs: number[] = [];
  for (let v = 1; v <= 8; v++) {
    const c = COS[v]!;
    for (let u = 1; u <= 8; u++) {
      let s = 0;
      for (let y = 0; y < n; y++) s += rows[u * n + y]! * c[y]!;
      coeffs.push(s);
    }
  }
  const sorted = [...coeffs].sort((a, b) => a - b);
  const median = (sorted[31]! + sorted[32]!) / 2;
  let hex = '';
  for (let i = 0; i < 64; i += 4) {
    let nibble = 0;
    for (let j = 0; j < 4; j++) nibble = (nibble << 1) | (coeffs[i + j]! > median ? 1 : 0);
    hex += nibble.toString(16);
  }
  return hex;
}

/** Number of differing bits between two 16-hex-character hashes. */
export function hammingDistance(a: string, b: string): number {
  if (a.length !== b.length) throw new Error('hashes differ in length');
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    let x = Number.parseInt(a[i]!, 16) ^ Number.parseInt(b[i]!, 16);
    while (x) {
      d += x & 1;
      x >>= 1;
    }
  }
  return d;
}
