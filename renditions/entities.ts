// The channel specs a request names ("make it ready for Instagram stories, the Google display
// network and the web homepage"), for the tools that make renditions. Only a request to make
// something reads channels as specs; "show me the Instagram stories" stays a channel filter.
import type { Extractor } from '../core/entities.ts';
import { specPhrases } from './specs.ts';

/** Words that ask for channel-ready files whatever follows: "ready for", "resize", "crop"… */
const FITTING =
  /\b(?:ready for|re-?size|crop|export|adapt|reformat|re-?purpose|outpaint|extend\b.{0,80}\bfor|fit\b.{0,80}\binto)\b/;
/** Verbs that ask for files only when a channel is named ("make it for Instagram stories"). */
const MAKING = /\b(?:make|create|generate|produce|render|prepare|cut)\b/;

export const spec: Extractor = {
  kind: 'spec',
  fields: /^specs?$/i,
  find: ({ lower }) => {
    const fitting = FITTING.test(lower);
    if (!fitting && !MAKING.test(lower)) return [];
    const said = specPhrases(lower).map((p) => ({
      kind: 'spec',
      start: p.start,
      end: p.end,
      value: p.value,
      label: lower.slice(p.start, p.end),
    }));
    if (said.length || !fitting) return said;
    // "Ready for MySpace": a channel no spec knows is still what was asked for; the tool says so.
    const m =
      /\b(?:ready for|for|into|to)\s+(?:the |an? |our )?([a-z][a-z0-9 -]{1,40}?)\s*(?=[.,!?;]|$|\band\b|\bplease\b)/.exec(
        lower,
      );
    if (!m) return [];
    const start = m.index + m[0].indexOf(m[1]!);
    return [{ kind: 'spec', start, end: start + m[1]!.length, value: m[1]!, label: m[1]! }];
  },
};
