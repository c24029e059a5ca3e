import { z } from 'zod';
import { RippleSummary, rippleSummary, rippleView } from '../graph/ripple.ts';
import { defineTool } from './define-tool.ts';

export const startRipple = defineTool({
  name: 'start-ripple',
  title: 'Start a ripple that waits for approval',
  description:
    "Starts a ripple that waits for approval (a new version came in by the API or the command line, and its ripple re-makes more files than the limit or touches live placements). Needs a person's approval; the answer says what was re-made, or how far it got.",
  annotations: { needsApproval: true },
  input: z.object({ rippleId: z.string().max(80).describe('"ripple:<id>" or the id') }),
  output: RippleSummary,
  needsApproval: true,
  summarize: async ({ rippleId }, deps) => {
    const r = rippleSummary(await deps.ripples.get(rippleId));
    return {
      targets: [r.root],
      text: `Run ripple ${r.id} of ${r.root} "${r.rootTitle}" (version ${r.fromVersion} → ${r.toVersion}): re-make ${r.counts.remake} file${r.counts.remake === 1 ? '' : 's'} (${r.approval.join('; ')})`,
    };
  },
  examples: [
    { say: 'start the ripple {text}', input: { rippleId: '{text}' } },
    { say: 'run the waiting ripple {text}', input: { rippleId: '{text}' } },
    { say: 'go ahead with the ripple {text}', input: { rippleId: '{text}' } },
  ],
  view: (out) => rippleView(out),
  run: async ({ rippleId }, deps, ctx) =>
    rippleSummary(await deps.ripples.approve(rippleId, ctx.approval?.approvedBy ?? ctx.actor.id)),
});
