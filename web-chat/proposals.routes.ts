// Stored proposals over HTTP: read one as it was shown, and export an approved budget as CSV for
// a person to enter in the ad platform. Deciding is not here: it goes through decide-proposal and
// the approvals routes, so every decision is a confirmed, recorded human action.
import type { Hono } from 'hono';
import type { Deps } from '../core/deps.ts';
import { allocationCsv, proposalById } from '../insights/proposals.ts';
import { parseKey } from '../store/ids.ts';

export function mountProposals(app: Hono, deps: Deps): void {
  app.get('/api/proposals', async (c) => {
    const items = await deps.proposals.recent(20);
    return c.json({
      items: items.map(({ bodyJson: _b, ...p }) => ({
        ...p,
        ...(p.status === 'approved' ? { exportUrl: deps.urls.proposal(p.id) } : {}),
      })),
    });
  });

  app.get('/api/proposals/:id', async (c) => {
    const p = await proposalById(deps, parseKey('proposal', c.req.param('id')));
    const { bodyJson, ...rest } = p;
    return c.json({ ...rest, body: JSON.parse(bodyJson) });
  });

  app.get('/api/proposals/:id/budget.csv', async (c) => {
    const p = await proposalById(deps, parseKey('proposal', c.req.param('id')));
    // A BOM, so spreadsheets read the titles as UTF-8.
    const csv = `\uFEFF${allocationCsv(p)}`;
    return c.body(csv, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="budget-${p.id}.csv"`,
    });
  });
}
