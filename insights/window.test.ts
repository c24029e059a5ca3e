import { describe, expect, it } from 'vitest';
import { resolveWindow } from './window.ts';

const data = { first: '2026-03-02', last: '2026-05-30' };

describe('performance windows', () => {
  it('reads relative words against the latest day with data, not the wall clock', () => {
    expect(resolveWindow('last month', data)).toMatchObject({
      from: '2026-04-01',
      to: '2026-04-30',
      asOf: '2026-05-30',
      asOfSource: 'latest day with data',
    });
    expect(resolveWindow('past 14 days', data)).toMatchObject({
      from: '2026-05-17',
      to: '2026-05-30',
    });
    expect(resolveWindow('last week', data, '2026-05-20')).toMatchObject({
      from: '2026-05-11',
      to: '2026-05-17',
      asOfSource: 'given',
    });
  });

  it('re-reads a range a planner resolved against today by its words', () => {
    const planner = { from: '2026-11-01', to: '2026-11-30', label: 'last month' };
    expect(resolveWindow(planner, data)).toMatchObject({ from: '2026-04-01', to: '2026-04-30' });
    const explicit = { from: '2026-03-10', to: '2026-03-20', label: '2026-03-10 to 2026-03-20' };
    expect(resolveWindow(explicit, data)).toMatchObject({ from: '2026-03-10', to: '2026-03-20' });
  });

  it('takes all data by default, the last 7 days for "live", and refuses words it cannot read', () => {
    expect(resolveWindow(undefined, data)).toMatchObject({ from: '2026-03-02', to: '2026-05-30' });
    expect(resolveWindow('live', data)).toMatchObject({
      from: '2026-05-24',
      to: '2026-05-30',
      live: true,
    });
    expect(() => resolveWindow('whenever', data)).toThrow(/could not read "whenever"/);
    expect(() => resolveWindow('last month', data, '30/05/2026')).toThrow(/YYYY-MM-DD/);
  });
});
