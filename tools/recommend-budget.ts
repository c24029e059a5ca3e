import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import { type View, views } from '../core/views.ts';
import { recommendBudget as recommend, saveProposal } from '../insights/budget.ts';
import { PerformanceScope, WindowOut } from '../insights/window.ts';
import { defineTool, describeZodError, RESULT_BUDGET_CHARS } from './define-tool.ts';

const Interval = z.object({ value: z.number(), low: z.number(), high: z.number() });
const Days = z.object({ from: z.string(), to: z.string(), days: z.number() });
const PriorOut = z.object({
  a: z.number(),
  spread: z.number(),
  units: z.number(),
  assumed: z.boolean(),
});

export const BudgetProposalOut = z.object({
  proposalId: z.string().describe('decide on it with decide-proposal'),
  status: z.literal('proposed'),
  currency: z.string(),
  window: WindowOut.describe('the evidence window'),
  current: Days.describe('the days whose spend is the current allocation'),
  budgetPeriod: Days,
  budget: z.object({ current: z.number(), proposed: z.number() }),
  across: z.enum(['creatives', 'channels']),
  maxShift: z.number(),
  placements: z.number(),
  moved: z.number(),
  shifted: z.number().describe('money moved: the sum of the increases'),
  moves: z.array(
    z.object({
      placement: z.string(),
      asset: z.object({ id: z.string(), title: z.string() }),
      master: z.string(),
      channel: z.string(),
      market: z.string().nullable(),
      current: z.number(),
      proposed: z.number(),
      change: z.number(),
      ctrIndex: Interval,
      cvrIndex: Interval,
      valuePer100: Interval.describe('conversions per 100 of spend'),
      pAboveAverage: z.number(),
    }),
  ),
  channels: z.array(z.object({ channel: z.string(), current: z.number(), proposed: z.number() })),
  impact: z.object({
    currentConversions: Interval,
    proposedConversions: Interval,
    gain: Interval,
    gainPct: Interval,
    per100: z.object({ current: z.number(), proposed: z.number() }),
  }),
  drivers: z.array(
    z.object({
      metric: z.enum(['ctr', 'cvr']),
      feature: z.string(),
      label: z.string(),
      multiplier: z.number(),
      low: z.number(),
      high: z.number(),
      significant: z.boolean(),
    }),
  ),
  read: z.array(z.string()),
  explanation: z.object({
    method: z.string(),
    window: z.string(),
    prior: z.object({ ctr: PriorOut, cvr: PriorOut }),
    risks: z.array(z.string()),
    wouldChange: z.array(z.string()),
    caveats: z.array(z.string()),
  }),
});

const money = (c: string, v: number) => `${c} ${v.toLocaleString('en-US')}`;
const signed = (v: number) => `${v >= 0 ? '+' : ''}${v}`;

export const recommendBudget = defineTool({
  name: 'recommend-budget',
  title: 'Recommend budget',
  description:
    "Where the next period's budget should go, and why: reallocates the spend of the placements running in a campaign, channel or market toward the creatives whose conversions per unit of spend the data rate higher, in proportion to how sure they are (Thompson sampling over empirical-Bayes CTR and CVR estimates), each placement within ±50% of its current spend, channel totals held unless across is 'channels'. The answer carries the data window, the method, the visual drivers with their intervals, the expected gain as an interval, the risks and what would change the advice. It is stored as a proposal that a person approves or rejects with decide-proposal; nothing is ever sent to an ad platform.",
  annotations: { readOnly: false, idempotent: false },
  input: PerformanceScope.extend({
    budget: z
      .number()
      .positive()
      .max(1e12)
      .optional()
      .describe("the total for the budget period; default: the current week's spend rate"),
    maxShift: z
      .number()
      .min(0.05)
      .max(1)
      .default(0.5)
      .describe('each placement stays within ± this fraction of its current spend'),
    across: z
      .enum(['creatives', 'channels'])
      .default('creatives')
      .describe('creatives: each channel keeps its total; channels: money may move between them'),
    limit: z.number().int().min(1).max(40).default(10).describe('moves listed'),
  }),
  output: BudgetProposalOut,
  examples: [
    { say: "where should next week's budget go, and why", input: { period: 'next week' } },
    { say: 'where should the budget go in {campaign}' },
    { say: 'recommend a budget for {campaign} on {channel}' },
    { say: 'how should we reallocate spend {date}' },
    { say: 'propose a budget split for {campaign}' },
    { say: 'shift budget between channels in {campaign}', input: { across: 'channels' } },
    { say: 'where should I put more money' },
  ],
  view: (out) => proposalView(out),
  run: async (input, deps, ctx) => {
    const planned = await recommend(deps, input);
    // Checked before it is stored: a proposal nobody could be shown is never kept. Long titles
    // shorten the list of moves shown, never the stored allocation.
    const shown = { ...planned.proposal, proposalId: 'unsaved' };
    const check = BudgetProposalOut.safeParse(shown);
    if (!check.success)
      throw new AppError(
        'internal',
        `the budget proposal came out invalid: ${describeZodError(check.error)}`,
      );
    while (shown.moves.length > 1 && JSON.stringify(shown).length > RESULT_BUDGET_CHARS * 0.8)
      shown.moves = shown.moves.slice(0, -1);
    const saved = await saveProposal(deps, { ...planned, proposal: shown }, ctx.actor.id);
    // Whoever decides budgets hears of it where they are (Slack's notify channel), not only here.
    try {
      const view = proposalView(BudgetProposalOut.parse(saved));
      void deps.notices.send({ kind: 'proposal', summary: saved.proposalId, view });
    } catch (err) {
      deps.log.warn({ err, proposalId: saved.proposalId }, 'could not announce the proposal');
    }
    return saved;
  },
});

function proposalView(out: z.output<typeof BudgetProposalOut>): View {
  {
    const c = out.currency;
    const { gain, gainPct } = out.impact;
    return views.proposal({
      id: out.proposalId,
      status: out.status,
      title: `Budget proposal, ${out.budgetPeriod.from} to ${out.budgetPeriod.to}`,
      summary: `Move ${money(c, out.shifted)} of ${money(c, out.budget.current)} across ${out.moved} of ${out.placements} running placements (${out.across === 'creatives' ? 'within each channel' : 'across channels'}): expected ${signed(gain.value)} conversions (90%: ${gain.low} to ${gain.high}), ${signed(gainPct.value)}% (${gainPct.low} to ${gainPct.high}).`,
      read: out.read,
      columns: [
        'placement',
        'asset',
        'channel',
        `now ${c}`,
        `proposed ${c}`,
        'change %',
        'CTR index (90%)',
        'CVR index (90%)',
        'conversions per 100 (90%)',
      ],
      rows: out.moves.map((m) => [
        m.placement,
        `${m.asset.title} (${m.asset.id})`,
        `${m.channel}${m.market ? ` ${m.market}` : ''}`,
        m.current,
        m.proposed,
        Math.round(m.change * 100),
        m.ctrIndex,
        m.cvrIndex,
        m.valuePer100,
      ]),
      total: out.moved,
      fields: [
        { label: 'Data window', value: out.explanation.window },
        { label: 'Method', value: out.explanation.method },
        {
          label: 'Expected impact',
          value: `${out.impact.currentConversions.value} conversions at the current allocation, ${out.impact.proposedConversions.value} proposed (${signed(gain.value)}, 90% ${gain.low} to ${gain.high}); ${out.impact.per100.current} → ${out.impact.per100.proposed} conversions per 100 ${c}`,
        },
        {
          label: 'Drivers',
          value: out.drivers.length
            ? out.drivers
                .map(
                  (d) =>
                    `${d.label} ×${d.multiplier} ${d.metric.toUpperCase()} (90% ${d.low}–${d.high})`,
                )
                .join('; ')
            : 'no visual feature was a significant driver in this window',
        },
        {
          label: 'By channel',
          value: out.channels
            .map((ch) => `${ch.channel} ${money(c, ch.current)} → ${money(c, ch.proposed)}`)
            .join('; '),
        },
        { label: 'Risks', value: out.explanation.risks.join('; ') },
        { label: 'What would change the advice', value: out.explanation.wouldChange.join('; ') },
        ...(out.explanation.caveats.length
          ? [{ label: 'Caveats', value: out.explanation.caveats.join('; ') }]
          : []),
      ],
    });
  }
}
