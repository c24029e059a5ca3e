import { describe, expect, it } from 'vitest';
import { masterDesigns } from './designs.ts';
import { simulatePlacement } from './performance-model.ts';

describe('demo seeds', () => {
  it('deal the same plan over other designs: seed 0 is the library everyone gets', () => {
    const base = masterDesigns();
    expect(masterDesigns(14, 0)).toEqual(base);
    const other = masterDesigns(14, 2);
    // Other draws of the same plan: as many warm masters and top-left logos per campaign ...
    const count = (ds: typeof base, f: (d: (typeof base)[number]) => boolean) =>
      ds.filter(f).length;
    expect(count(other, (d) => d.scheme.warmth === 'warm')).toBe(
      count(base, (d) => d.scheme.warmth === 'warm'),
    );
    // (a missing-logo breach may land on a top-left slot, so that count moves by a little)
    const topLeft = (ds: typeof base) => count(ds, (d) => d.logo.corner === 'top-left');
    expect(Math.abs(topLeft(other) - topLeft(base))).toBeLessThanOrEqual(2);
    // ... over other designs, with other appeal.
    expect(other.map((d) => d.quality)).not.toEqual(base.map((d) => d.quality));
    expect(other.map((d) => `${d.scheme.warmth}${d.logo.corner}`)).not.toEqual(
      base.map((d) => `${d.scheme.warmth}${d.logo.corner}`),
    );
    const f = {
      channel: 'instagram-feed',
      campaign: 'spring-launch',
      market: 'US',
      warm: true,
      logoTopLeft: false,
      offer: false,
      quality: 1,
    };
    const days = ['2026-03-02', '2026-03-03'];
    expect(simulatePlacement('p', f, days, 3)).not.toEqual(simulatePlacement('p', f, days));
    expect(simulatePlacement('p', f, days, 0)).toEqual(simulatePlacement('p', f, days));
  });
});
