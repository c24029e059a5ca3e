// sRGB <-> CIE Lab (D65) and a small table of colour names, so palettes can be compared perceptually.
export type Lab = [number, number, number];

const LINEAR = new Float64Array(256);
for (let i = 0; i < 256; i++) {
  const c = i / 255;
  LINEAR[i] = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

const XN = 0.95047;
const YN = 1;
const ZN = 1.08883;
const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (t * 24389) / 27 / 116 + 16 / 116);

export function rgbToLab(r: number, g: number, b: number): Lab {
  const lr = LINEAR[r]!;
  const lg = LINEAR[g]!;
  const lb = LINEAR[b]!;
  const x = (0.4124564 * lr + 0.3575761 * lg + 0.1804375 * lb) / XN;
  const y = (0.2126729 * lr + 0.7151522 * lg + 0.072175 * lb) / YN;
  const z = (0.0193339 * lr + 0.119192 * lg + 0.9503041 * lb) / ZN;
  const fx = f(x);
  const fy = f(y);
  const fz = f(z);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

const finv = (t: number) => (t ** 3 > 216 / 24389 ? t ** 3 : (116 * t - 16) / (24389 / 27));
const gamma = (c: number) => (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055);
const to8 = (c: number) => Math.max(0, Math.min(255, Math.round(gamma(c) * 255)));

export function labToRgb([l, a, b]: Lab): [number, number, number] {
  const fy = (l + 16) / 116;
  const x = finv(fy + a / 500) * XN;
  const y = finv(fy) * YN;
  const z = finv(fy - b / 200) * ZN;
  return [
    to8(3.2404542 * x - 1.5371385 * y - 0.4985314 * z),
    to8(-0.969266 * x + 1.8760108 * y + 0.041556 * z),
    to8(0.0556434 * x - 0.2040259 * y + 1.0572252 * z),
  ];
}

export const toHex = ([r, g, b]: [number, number, number]) =>
  `#${[r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('')}`;

export function hexToRgb(hex: string): [number, number, number] {
  const h = hex.replace('#', '');
  const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h;
  const n = Number.parseInt(full, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** CIE76 distance: good enough to pick the nearest of a few dozen well-separated names. */
export const deltaE = (p: Lab, q: Lab) => Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);

const NAMED: [string, string][] = [
  ['black', '#000000'],
  ['charcoal', '#36454f'],
  ['dark grey', '#555555'],
  ['grey', '#808080'],
  ['silver', '#c0c0c0'],
  ['light grey', '#dcdcdc'],
  ['white', '#ffffff'],
  ['cream', '#fffdd0'],
  ['beige', '#f5f5dc'],
  ['tan', '#d2b48c'],
  ['brown', '#8b4513'],
  ['rust', '#b7410e'],
  ['dark brown', '#4a2c17'],
  ['maroon', '#800000'],
  ['dark red', '#8b0000'],
  ['red', '#e0201b'],
  ['crimson', '#dc143c'],
  ['coral', '#ff7f50'],
  ['salmon', '#fa8072'],
  ['orange', '#ff8c00'],
  ['gold', '#ffd700'],
  ['yellow', '#ffff00'],
  ['khaki', '#f0e68c'],
  ['sand', '#c2b280'],
  ['olive', '#808000'],
  ['lime', '#32cd32'],
  ['green', '#228b22'],
  ['dark green', '#006400'],
  ['mint', '#98ff98'],
  ['teal', '#008080'],
  ['turquoise', '#40e0d0'],
  ['cyan', '#00ffff'],
  ['sky blue', '#87ceeb'],
  ['blue', '#0000ff'],
  ['cobalt', '#0047ab'],
  ['steel blue', '#4682b4'],
  ['light blue', '#add8e6'],
  ['slate blue', '#6a5acd'],
  ['royal blue', '#4169e1'],
  ['navy', '#000080'],
  ['indigo', '#4b0082'],
  ['purple', '#800080'],
  ['plum', '#8e4585'],
  ['mauve', '#b784a7'],
  ['burgundy', '#800020'],
  ['periwinkle', '#9a9ad8'],
  ['violet', '#ee82ee'],
  ['lavender', '#e6e6fa'],
  ['magenta', '#ff00ff'],
  ['pink', '#ffc0cb'],
  ['hot pink', '#ff69b4'],
];
const NAMED_LAB = NAMED.map(([name, hex]) => ({ name, lab: rgbToLab(...hexToRgb(hex)) }));

export function colourName(lab: Lab): string {
  let best = NAMED_LAB[0]!;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of NAMED_LAB) {
    const d = deltaE(lab, c.lab);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best.name;
}

const RAD = Math.PI / 180;
const POW25_7 = 25 ** 7;

/**
 * CIEDE2000 (Sharma, Wu & Dalal 2005): the perceptual colour difference that colour filters use.
 * About 1 is a just-noticeable difference; 10 is "clearly the same colour family".
 */
export function deltaE2000(l1: number, a1: number, b1: number, l2: number, a2: number, b2: number) {
  const c1 = Math.sqrt(a1 * a1 + b1 * b1);
  const c2 = Math.sqrt(a2 * a2 + b2 * b2);
  const cm7 = ((c1 + c2) / 2) ** 7;
  const g = 0.5 * (1 - Math.sqrt(cm7 / (cm7 + POW25_7)));
  const ap1 = a1 * (1 + g);
  const ap2 = a2 * (1 + g);
  const cp1 = Math.sqrt(ap1 * ap1 + b1 * b1);
  const cp2 = Math.sqrt(ap2 * ap2 + b2 * b2);
  const hp1 = cp1 === 0 ? 0 : (Math.atan2(b1, ap1) / RAD + 360) % 360;
  const hp2 = cp2 === 0 ? 0 : (Math.atan2(b2, ap2) / RAD + 360) % 360;
  const dL = l2 - l1;
  const dC = cp2 - cp1;
  let dh = 0;
  if (cp1 * cp2 !== 0) {
    dh = hp2 - hp1;
    if (dh > 180) dh -= 360;
    else if (dh < -180) dh += 360;
  }
  const dH = 2 * Math.sqrt(cp1 * cp2) * Math.sin((dh / 2) * RAD);
  const lm = (l1 + l2) / 2;
  const cm = (cp1 + cp2) / 2;
  let hm = hp1 + hp2;
  if (cp1 * cp2 !== 0) {
    if (Math.abs(hp1 - hp2) > 180) hm = hp1 + hp2 < 360 ? (hm + 360) / 2 : (hm - 360) / 2;
    else hm /= 2;
  }
  const t =
    1 -
    0.17 * Math.cos((hm - 30) * RAD) +
    0.24 * Math.cos(2 * hm * RAD) +
    0.32 * Math.cos((3 * hm + 6) * RAD) -
    0.2 * Math.cos((4 * hm - 63) * RAD);
  const dTheta = 30 * Math.exp(-(((hm - 275) / 25) ** 2));
  const cm7p = cm ** 7;
  const rc = 2 * Math.sqrt(cm7p / (cm7p + POW25_7));
  const lm50 = (lm - 50) ** 2;
  const sl = 1 + (0.015 * lm50) / Math.sqrt(20 + lm50);
  const sc = 1 + 0.045 * cm;
  const sh = 1 + 0.015 * cm * t;
  const rt = -Math.sin(2 * dTheta * RAD) * rc;
  const x = dL / sl;
  const y = dC / sc;
  const z = dH / sh;
  return Math.sqrt(x * x + y * y + z * z + rt * y * z);
}

/** The named colours, for resolving "teal" or "warm red" in a request. */
export function namedColour(name: string): { name: string; hex: string } | undefined {
  const n = name.trim().toLowerCase().replace(/gray/g, 'grey').replace(/\s+/g, ' ');
  const hit = NAMED.find(([k]) => k === n);
  return hit ? { name: hit[0], hex: hit[1] } : undefined;
}

export const colourNames = (): string[] => NAMED.map(([n]) => n);
