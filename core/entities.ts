// Entities: the things a request names (an asset, a campaign, a date…). Each domain registers an
// extractor for its own kinds beside its code (assets/entities.ts); the offline planner replaces
// the spans they find by placeholders and fills tool inputs from them by property name.

export interface Found {
  kind: string;
  /** Where in the message (-1 when the value is implied rather than said). */
  start: number;
  end: number;
  value: unknown;
  /** The words it came from, for answers ("last 7 days"). */
  label: string;
  /** A reference ("it") that could mean any of several earlier assets. */
  ambiguous?: boolean;
}

export interface ExtractContext {
  text: string;
  lower: string;
  now: Date;
  knownIds: ReadonlySet<string>;
  knownCampaigns: readonly { name: string; slug: string }[];
  /** The assets the previous turn was about, for "it", "these", "the second one". */
  lastIds: readonly string[];
}

export interface Extractor {
  kind: string;
  /** What a tool must be able to do with this entity; said when the chosen tool cannot. */
  constraint?: string;
  /**
   * False: the words stay in the text matched against examples ("similar", "best performing"), so
   * a tool that speaks of them matches; true (default): a placeholder replaces them.
   */
  mask?: boolean;
  /** The tool properties this entity fills (matched against the property name). */
  fields?: RegExp;
  /** The value for one property (default: the found value). */
  valueFor?(prop: string, f: Found): unknown;
  find(ctx: ExtractContext): Found[];
}
