// Any tool without its own rule: chosen from its name, arguments read off its JSON schema.

import { renderError, renderGeneric, renderSideEffect } from '../answer.ts';
import { fillArgs, splitName } from '../args.ts';
import { resolveTargets } from '../context.ts';
import type { Rule, ToolInfo } from '../types.ts';

/** Tools that have their own rules, so the generic rule leaves them alone. */
export const RULED_TOOLS = new Set([
  'list-assets',
  'get-asset',
  'set-asset-status',
  'update-asset-metadata',
]);

const stem = (w: string) =>
  w
    .toLowerCase()
    .replace(/ies$/, 'y')
    .replace(/(?:es|s)$/, '')
    .replace(/(?:ing|ed|e)$/, '');

/**
 * Tools without their own rule: chosen when the message uses every word of the tool's name
 * ("trace the lineage of …" → trace-lineage), with arguments read off its schema.
 */
export const genericRule: Rule = (ctx) => {
  const words = new Set(
    ctx.e.lower
      .split(/[^a-z0-9]+/)
      .filter(Boolean)
      .map(stem),
  );
  let best: { tool: ToolInfo; explicit: boolean } | undefined;
  for (const tool of ctx.tools.values()) {
    if (RULED_TOOLS.has(tool.name)) continue;
    const explicit = ctx.e.lower.includes(tool.name);
    const nameWords = splitName(tool.name).map(stem);
    if (explicit || nameWords.every((w) => words.has(w))) {
      if (!best || (explicit && !best.explicit)) best = { tool, explicit };
    }
  }
  if (!best) return undefined;
  const tool = best.tool;
  const { ids } = resolveTargets(ctx);
  const { input, missing } = fillArgs(tool.schema, { e: ctx.e, ids });
  const invalid = missing.length ? `missing ${missing.join(', ')}` : tool.validate?.(input);
  return {
    intent: tool.name,
    priority: best.explicit ? 95 : 85,
    next: (done) => (invalid || done.length ? [] : [{ toolName: tool.name, input }]),
    answer: (done) => {
      if (invalid) {
        return `To run ${tool.name} I need more detail: ${invalid}. ${tool.description}`;
      }
      return done
        .map((x) =>
          x.error || x.denied
            ? renderError(x)
            : tool.annotations.needsApproval
              ? renderSideEffect(x, `${tool.name} ${JSON.stringify(x.input)}`)
              : renderGeneric(x),
        )
        .join('\n\n');
    },
  };
};
