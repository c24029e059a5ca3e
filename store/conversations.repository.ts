// Conversation memory: AI SDK ModelMessages stored as JSON, one row per message, ordered by `seq`.
// Messages are parsed with the AI SDK's own zod schema on read, so a bad row fails loudly.
import { type ModelMessage, modelMessageSchema } from 'ai';
import type { Surreal } from 'surrealdb';
import { z } from 'zod';
import { AppError } from '../core/errors.ts';

/** Web session ids, Slack thread keys ("C0123:1712.0001"), or ids minted here. */
export const ConversationId = z
  .string()
  .min(2)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/, 'letters, digits and . _ : @ / - only');

export function parseConversationId(value: string): string {
  const ok = ConversationId.safeParse(value);
  if (!ok.success) {
    throw new AppError(
      'invalid_input',
      `not a valid conversation id ${JSON.stringify(value.slice(0, 80))}: ${ok.error.issues[0]?.message}`,
    );
  }
  return ok.data;
}

export interface StoredMessage {
  seq: number;
  message: ModelMessage;
  /** Length of the message's JSON; chars/4 is the token estimate used to trim memory. */
  chars: number;
}

export interface MessageMeta {
  seq: number;
  role: string;
  chars: number;
}

const Row = z.object({
  seq: z.number().int(),
  role: z.string(),
  message: z.string(),
  chars: z.number().int(),
});
/** A light shape check on write: the messages come from the AI SDK or from typed code. */
const WritableMessage = z
  .object({
    role: z.enum(['user', 'assistant', 'tool']),
    content: z.union([z.string(), z.array(z.object({ type: z.string() }).loose())]),
  })
  .loose();

/** How many of the latest messages are looked at; a window never reaches further back. */
const READ_LIMIT = 200;
/** The first read of a window: a few turns, usually more than a budget holds. */
const FIRST_SLICE = 40;

export class ConversationsRepository {
  constructor(private readonly db: Surreal) {}

  private async latest(conversationId: string, limit: number) {
    const id = parseConversationId(conversationId);
    const [rows] = await this.db.query<[unknown[]]>(
      `SELECT seq, role, message, chars FROM conversation_message WHERE conversation = $id
       ORDER BY seq DESC LIMIT $limit`,
      { id, limit },
    );
    return Row.array()
      .parse(rows ?? [])
      .reverse();
  }

  /** The latest messages, oldest first. */
  async recent(conversationId: string, limit = READ_LIMIT): Promise<StoredMessage[]> {
    return toStored(await this.latest(conversationId, limit));
  }

  /**
   * A memory window: `choose` sees the latest messages' sizes and roles and returns the seq to
   * start from (null: nothing); only the messages in the window are parsed. The latest few rows
   * come first; more are read only when those few do not fill `budgetChars` (a window could then
   * reach further back). `lastSeq` is the tail seen, to hand back to `append`.
   */
  async window(
    conversationId: string,
    choose: (meta: readonly MessageMeta[]) => number | null,
    budgetChars = Number.POSITIVE_INFINITY,
  ): Promise<{ messages: StoredMessage[]; lastSeq: number }> {
    let rows = await this.latest(conversationId, FIRST_SLICE);
    const chars = rows.reduce((n, r) => n + r.chars, 0);
    if (rows.length === FIRST_SLICE && chars <= budgetChars)
      rows = await this.latest(conversationId, READ_LIMIT);
    const start = choose(rows.map(({ seq, role, chars }) => ({ seq, role, chars })));
    const lastSeq = rows[rows.length - 1]?.seq ?? 0;
    return {
      messages: start === null ? [] : toStored(rows.filter((r) => r.seq >= start)),
      lastSeq,
    };
  }

  /**
   * Appends messages after the last one. `lastSeq`, when the caller knows the tail, saves a read.
   * Two writers racing on one conversation collide on the unique (conversation, seq) index; the
   * loser reads the tail again and retries.
   */
  async append(
    conversationId: string,
    messages: readonly ModelMessage[],
    opts: { lastSeq?: number } = {},
  ): Promise<void> {
    if (messages.length === 0) return;
    const id = parseConversationId(conversationId);
    const valid = z.array(WritableMessage).parse(messages) as ModelMessage[];
    const encoded = valid.map((m) => {
      const json = JSON.stringify(m);
      return { role: m.role, message: json, chars: json.length };
    });
    let last = opts.lastSeq;
    for (let attempt = 0; ; attempt++) {
      if (last === undefined) last = await this.lastSeq(id);
      const base = last;
      const now = new Date();
      const rows = encoded.map((r, i) => ({
        conversation: id,
        seq: base + i + 1,
        ...r,
        created_at: now,
      }));
      try {
        // One INSERT statement is atomic: either every message lands, or none does.
        await this.db.query('INSERT INTO conversation_message $rows RETURN NONE', { rows });
        return;
      } catch (e) {
        const msg = (e as Error).message;
        const retryable = /conversation_message_seq|conflict|already contains/i.test(msg);
        if (!retryable || attempt >= 6) throw e;
        last = undefined;
        await new Promise((r) => setTimeout(r, 2 + Math.random() * 10 * (attempt + 1)));
      }
    }
  }

  private async lastSeq(id: string): Promise<number> {
    const [rows] = await this.db.query<[{ seq: number }[]]>(
      'SELECT seq FROM conversation_message WHERE conversation = $id ORDER BY seq DESC LIMIT 1',
      { id },
    );
    return rows?.[0]?.seq ?? 0;
  }

  /**
   * Removes the last turn (its user message and everything after) when that message's text is
   * `text`: a person asked for that answer again, so the failed or unwanted one is replaced, not
   * kept beside a second copy of the question. Returns whether a turn was removed.
   */
  async dropLastTurn(conversationId: string, text: string): Promise<boolean> {
    const id = parseConversationId(conversationId);
    const [rows] = await this.db.query<[unknown[]]>(
      `SELECT seq, role, message, chars FROM conversation_message
       WHERE conversation = $id AND role = 'user' ORDER BY seq DESC LIMIT 1`,
      { id },
    );
    const last = Row.array().parse(rows ?? [])[0];
    if (!last) return false;
    const m = parseMessage(last.message);
    const said =
      typeof m.content === 'string'
        ? m.content
        : (m.content as { type: string; text?: string }[])
            .map((p) => (p.type === 'text' ? (p.text ?? '') : ''))
            .join('\n');
    if (said !== text) return false;
    await this.db.query(
      'DELETE conversation_message WHERE conversation = $id AND seq >= $seq RETURN NONE',
      { id, seq: last.seq },
    );
    return true;
  }

  async count(conversationId: string): Promise<number> {
    const id = parseConversationId(conversationId);
    const [rows] = await this.db.query<[{ n: number }[]]>(
      'SELECT count() AS n FROM conversation_message WHERE conversation = $id GROUP ALL',
      { id },
    );
    return rows?.[0]?.n ?? 0;
  }
}

function toStored(rows: z.infer<typeof Row>[]): StoredMessage[] {
  return rows.map((r) => ({ seq: r.seq, chars: r.chars, message: parseMessage(r.message) }));
}

/**
 * Validates a stored message's structure with the AI SDK schema. The payload of JSON tool outputs
 * is left out of that check: it came out of JSON.parse, so it is JSON by construction, and checking
 * it value by value costs ~1.5 ms per 7 KB listing.
 */
function parseMessage(json: string): ModelMessage {
  const raw = JSON.parse(json) as { role?: unknown; content?: unknown };
  const shape =
    raw.role === 'tool' && Array.isArray(raw.content)
      ? { ...raw, content: raw.content.map(withoutJsonPayload) }
      : raw;
  modelMessageSchema.parse(shape);
  return raw as ModelMessage;
}

function withoutJsonPayload(part: unknown): unknown {
  const p = part as { type?: unknown; output?: { type?: unknown; value?: unknown } };
  if (p?.type !== 'tool-result' || !p.output) return part;
  if (p.output.type !== 'json' && p.output.type !== 'error-json') return part;
  return { ...p, output: { ...p.output, value: null } };
}
