import { describe, expect, it } from 'vitest';
import { extractAssetIds } from '../assets/words.ts';
import { newId } from './ids.ts';

describe('new ids', () => {
  it('always hold a digit, so one in a sentence reads as an id (1 in 28 used to hold none)', () => {
    for (let i = 0; i < 3000; i++) {
      const id = newId();
      expect(id).toMatch(/^[a-z2-7]{16}$/);
      expect(extractAssetIds(`what's the colour breakdown of ${id}?`)).toEqual([id]);
    }
  });
});
