// The planner loop: read the conversation, pick the plan for the user's last message (only their
// words decide what to do), then either make the plan's next tool calls or write its answer.
import { z } from 'zod';
import { type AnyTool, describeZodError } from '../../tools/define-tool.ts';
import { helpText, injectionNotes } from './answer.ts';
import type { JsonSchema } from './args.ts';
import { routeContext } from './context.ts';
import type { Conversation } from './prompt.ts';
import { assetRules } from './rules/assets.ts';
import { changeRules } from './rules/changes.ts';
import { genericRule } from './rules/generic.ts';
import type { Call, Plan, RouteContext, Rule, ToolInfo } from './types.ts';

export type { ToolInfo } from './types.ts';

/** Tool-specific rules; the generic rule covers any other tool from its name and schema. */
const RULES: Rule[] = [...changeRules, ...assetRules];

/** A turn never takes more model steps than this, whatever the plan says. */
const MAX_STEPS = 6;

export function toolInfo(t: AnyTool): ToolInfo {
  const schema = z.toJSONSchema(t.input, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return {
    name: t.name,
    description: t.description,
    annotations: t.annotations,
    schema,
    validate: (input) => {
      const r = t.input.safeParse(input);
      return r.success ? undefined : describeZodError(r.error);
    },
  };
}

export interface PlannedStep {
  intent: string;
  calls: Call[];
  text?: string;
}

export function planStep(
  conv: Conversation,
  tools: readonly ToolInfo[],
  opts: { now: Date },
): PlannedStep {
  const ctx = routeContext(conv, tools, opts.now);
  const plan = route(ctx);
  const done = conv.current.exchanges;
  const failed = done.some((x) => x.error !== undefined || x.denied !== undefined);
  if ((!failed || plan.continueOnError) && conv.current.steps < MAX_STEPS) {
    const seen = new Set(done.map((x) => callKey(x.toolName, x.input)));
    const calls = plan
      .next(done)
      .filter((c) => ctx.tools.has(c.toolName) && !seen.has(callKey(c.toolName, c.input)));
    if (calls.length) return { intent: plan.intent, calls };
  }
  const notes = injectionNotes(done);
  const text = [plan.answer(done), ...notes].filter(Boolean).join('\n');
  return { intent: plan.intent, calls: [], text };
}

function callKey(name: string, input: unknown): string {
  return `${name} ${JSON.stringify(input)}`;
}

export function route(ctx: RouteContext): Plan {
  let best: Plan | undefined;
  if (ctx.message.trim()) {
    for (const rule of [...RULES, genericRule, unsupportedRule]) {
      const p = rule(ctx);
      if (p && (!best || p.priority > best.priority)) best = p;
    }
  }
  return best ?? helpPlan(ctx);
}

const UNSUPPORTED =
  /^\s*(?:please\s+|can you\s+|could you\s+)?(?:generate|draw|design|paint|render|upscale|crop|resize|retouch|photoshop|delete|erase|upload|download|(?:create|make|produce|shoot)\s+(?:me\s+)?(?:a\s+|an\s+|some\s+)?(?:new\s+)?(?:image|picture|photo|visual|banner|video|hero|asset|creative|ad)s?)\b/i;

/** Requests for things no tool does (generating or deleting images): say so, and what is possible. */
const unsupportedRule: Rule = (ctx) => {
  const m = UNSUPPORTED.exec(ctx.message);
  if (!m) return undefined;
  const verb = m[0]
    .trim()
    .replace(/^(?:please|can you|could you)\s+/i, '')
    .toLowerCase();
  const preface = `I can't ${verb} with the tools I have${/delete|erase/.test(verb) ? ' (archiving an asset is the closest, and it needs approval)' : ''}. Here is what I can do:`;
  return {
    intent: 'unsupported',
    priority: 60,
    next: () => [],
    answer: () => helpText([...ctx.tools.values()], preface),
  };
};

function helpPlan(ctx: RouteContext): Plan {
  const tools = [...ctx.tools.values()];
  const greeting = /^\s*(?:hi|hello|hey|good (?:morning|afternoon|evening)|yo)\b/i.test(
    ctx.message,
  );
  const asked =
    /\b(?:help|what can you do|what do you do|capabilit|which tools|what tools|who are you)\b/i.test(
      ctx.message,
    );
  const preface =
    greeting || asked || !ctx.message.trim()
      ? undefined
      : "I can't help with that request: it isn't something my tools cover. Here is what I can do:";
  return { intent: 'help', priority: 0, next: () => [], answer: () => helpText(tools, preface) };
}
