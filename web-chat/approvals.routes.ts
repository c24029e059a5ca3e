// The person's side of approvals over HTTP: list, approve or deny pending actions while
// `curator serve` holds the store. Guarded by APPROVER_TOKEN, a token people hold and models never
// see; without it these routes are off.
import type { Hono } from 'hono';
import { z } from 'zod';
import { bearerMatches } from '../core/auth.ts';
import type { Deps } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import { jsonBody } from './json-body.ts';

const Decision = z.object({
  conversationId: z.string().min(1).max(200),
  /** Who is deciding, for the audit trail. */
  by: z.string().min(1).max(120).default('http-approver'),
});

export function mountApprovals(app: Hono, deps: Deps): void {
  const approvals = deps.approvalGate;
  const token = deps.config.approvals.approverToken;

  app.use('/api/approvals/*', async (c, next) => {
    if (!token) {
      throw new AppError(
        'unavailable',
        'approvals over HTTP are off: set APPROVER_TOKEN to turn them on',
      );
    }
    if (!bearerMatches(c.req.header('authorization'), token)) {
      throw new AppError('unauthorized', 'approvals need Authorization: Bearer <APPROVER_TOKEN>');
    }
    await next();
  });

  app.get('/api/approvals/pending', async (c) => {
    const conversationId = c.req.query('conversation');
    if (!conversationId) throw new AppError('invalid_input', 'conversation: required');
    return c.json({ items: await approvals.pending(conversationId) });
  });

  app.get('/api/approvals/:id', async (c) => {
    const action = await approvals.get(c.req.param('id'));
    if (!action) throw new AppError('not_found', `no pending action ${c.req.param('id')}`);
    return c.json(action);
  });

  app.post('/api/approvals/:id/:decision{approve|deny}', jsonBody(), async (c) => {
    const body = Decision.safeParse(await c.req.json());
    if (!body.success) {
      throw new AppError(
        'invalid_input',
        body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      );
    }
    const actor = { id: body.data.by, surface: 'http' as const };
    const binding = { conversationId: body.data.conversationId };
    if (c.req.param('decision') === 'deny') {
      return c.json({ action: await approvals.deny(c.req.param('id'), actor, binding) });
    }
    return c.json(await approvals.approve(c.req.param('id'), actor, binding));
  });
}
