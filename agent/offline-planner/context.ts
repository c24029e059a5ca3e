// What the planner decides from: the entities in the user's message, the tools on offer, and what
// earlier turns were about (for "these", "it", "next page").

import { extractAssetIds } from '../../assets/words.ts';
import { isObj } from '../../core/util.ts';
import { findPending } from './answer.ts';
import { extract } from './entities.ts';
import type { Conversation } from './prompt.ts';
import type { Memory, RouteContext, ToolInfo } from './types.ts';

export function routeContext(
  conv: Conversation,
  tools: readonly ToolInfo[],
  now: Date,
): RouteContext {
  const memory = buildMemory(conv);
  const message = conv.current.user;
  const lower = message.toLowerCase();
  const x = extract({
    text: message,
    lower,
    now,
    knownIds: memory.knownIds,
    knownCampaigns: knownCampaigns(conv.system),
    lastIds: memory.lastIds,
  });
  return { message, lower, x, tools: new Map(tools.map((t) => [t.name, t])), conv, memory, now };
}

/**
 * The campaigns the system prompt lists ("Known campaigns: Spring Launch [spring-launch]; …"), so a
 * campaign named without the word "campaign" ("from the spring launch") is still recognised.
 */
export function knownCampaigns(system: string): { name: string; slug: string }[] {
  const line = /^Known campaigns: (.*)$/m.exec(system)?.[1];
  if (!line) return [];
  return line.split('; ').flatMap((entry) => {
    const m = /^(.+?) \[([a-z0-9][a-z0-9_-]*)\]$/.exec(entry.trim());
    return m ? [{ name: m[1]!, slug: m[2]! }] : [];
  });
}

// ——— memory of earlier turns ———

/** Ids a tool result is about: list items, the one asset it describes, or the proposal it made. */
export function idsOf(output: unknown): string[] {
  if (!isObj(output)) return [];
  if (typeof output.proposalId === 'string') return [output.proposalId];
  if (Array.isArray(output.items)) {
    return output.items.flatMap((i) => (isObj(i) && typeof i.id === 'string' ? [i.id] : []));
  }
  if (typeof output.id === 'string' && ('title' in output || 'kind' in output)) return [output.id];
  return [];
}

/** The asset ids a call was about (for a pending action, nothing has a result yet). */
function idsIn(input: Record<string, unknown>): string[] {
  return Object.entries(input).flatMap(([k, v]) =>
    /^(?:asset)?ids$/i.test(k) && Array.isArray(v)
      ? v.filter((x): x is string => typeof x === 'string')
      : /^(?:asset)?id$/i.test(k) && typeof v === 'string'
        ? [v]
        : [],
  );
}

function allIds(v: unknown, out: Set<string>, depth = 0) {
  if (depth > 5) return;
  if (Array.isArray(v)) for (const x of v) allIds(x, out, depth + 1);
  else if (isObj(v)) {
    if (typeof v.id === 'string') out.add(v.id);
    for (const x of Object.values(v)) if (typeof x === 'object') allIds(x, out, depth + 1);
  }
}

export function buildMemory(conv: Conversation): Memory {
  const knownIds = new Set<string>();
  let lastIds: string[] = [];
  let lastList: Memory['lastList'];
  for (const turn of conv.earlier) {
    const turnIds: string[] = [];
    for (const ex of turn.exchanges) {
      allIds(ex.output, knownIds);
      // The main result of a turn is its first successful read; later steps add detail to it.
      if (!turnIds.length)
        turnIds.push(...(findPending(ex.output) ? idsIn(ex.input) : idsOf(ex.output)));
      const out = ex.output;
      if (isObj(out) && Array.isArray(out.items)) {
        lastList = {
          toolName: ex.toolName,
          input: ex.input,
          next: typeof out.next === 'string' ? out.next : null,
        };
      }
    }
    if (!turnIds.length && turn.assistant) {
      // Memory may keep only the text of earlier answers; the ids they cite came from tool results.
      const text = turn.assistant.replace(
        /\b(?:approval(?: id)?|pending action)\s+[a-z0-9]+/gi,
        ' ',
      );
      turnIds.push(...extractAssetIds(text, knownIds));
      const cursor = turn.assistant.match(/\bcursor[: ]+([A-Za-z0-9_-]{12,})/);
      if (cursor)
        // Which tool listed it is not in the text: the page plan takes the tool that pages.
        lastList = {
          toolName: lastList?.toolName ?? '',
          input: lastList?.input ?? {},
          next: cursor[1]!,
        };
    }
    for (const id of turnIds) knownIds.add(id);
    if (turnIds.length) lastIds = turnIds;
  }
  for (const ex of conv.current.exchanges) allIds(ex.output, knownIds);
  return { knownIds, lastIds, lastList };
}
