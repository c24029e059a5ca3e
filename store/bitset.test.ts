import { describe, expect, it } from 'vitest';
import { createRng } from '../core/random.ts';
import { Bitset } from './bitset.ts';

describe('Bitset', () => {
  it('agrees with a Set on add, delete, size, union and intersection of sets of unequal length', () => {
    const rng = createRng(7);
    const sets = [40, 300, 5000].map((range) => {
      const b = new Bitset();
      const s = new Set<number>();
      for (let i = 0; i < range / 2; i++) {
        const v = Math.floor(rng() * range);
        b.add(v);
        s.add(v);
        if (rng() < 0.2) {
          b.delete(v);
          s.delete(v);
        }
      }
      return { b, s };
    });
    for (const { b, s } of sets) {
      expect(b.size()).toBe(s.size);
      for (let v = 0; v < 5100; v++) expect(b.has(v)).toBe(s.has(v));
    }
    const all = new Set(sets.flatMap(({ s }) => [...s]));
    const union = Bitset.union(sets.map((x) => x.b));
    expect(union.size()).toBe(all.size);
    const both = [...sets[1]!.s].filter((v) => sets[2]!.s.has(v));
    const inter = Bitset.intersection([sets[1]!.b, sets[2]!.b]);
    expect(inter.size()).toBe(both.length);
    for (const v of both) expect(inter.has(v)).toBe(true);
    expect(Bitset.intersection([]).size()).toBe(0);
  });
});
