// The web chat's state beside the shared conversation memory: who owns a conversation and what it
// is called, and the browser sessions of a shared deployment (stored as hashes of their cookies).
import { createHash } from 'node:crypto';
import type { Surreal } from 'surrealdb';
import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import { Key, rid, zKey, zTime } from './ids.ts';

export interface WebConversation {
  id: string;
  owner: string;
  title: string;
  createdAt: string;
  updatedAt: string;
}

const ConversationRow = z.object({
  id: zKey,
  owner: z.string(),
  title: z.string(),
  created_at: zTime,
  updated_at: zTime,
});

const toConversation = (r: z.infer<typeof ConversationRow>): WebConversation => ({
  id: r.id,
  owner: r.owner,
  title: r.title,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const SessionRow = z.object({ user: z.string(), expires_at: zTime });

const sessionKey = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** A conversation id the browser mints: a record key (the UI uses a UUID). */
export function parseWebConversationId(value: string): string {
  const ok = Key.safeParse(value);
  if (!ok.success) {
    throw new AppError(
      'invalid_input',
      `not a valid conversation id ${JSON.stringify(String(value).slice(0, 80))}`,
    );
  }
  return ok.data;
}

export class WebRepository {
  constructor(private readonly db: Surreal) {}

  async conversation(id: string): Promise<WebConversation | null> {
    const [rows] = await this.db.query<[unknown[]]>('SELECT * FROM $id', {
      id: rid('web_conversation', parseWebConversationId(id)),
    });
    const row = Array.isArray(rows) ? rows[0] : rows;
    return row ? toConversation(ConversationRow.parse(row)) : null;
  }

  /**
   * The conversation for this owner: created with its title on the first turn, touched on later
   * ones. Someone else's conversation is refused, whoever guessed its id.
   */
  async claim(id: string, owner: string, title: string): Promise<WebConversation> {
    const key = rid('web_conversation', parseWebConversationId(id));
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = new Date();
      const found = await this.conversation(id);
      if (found && found.owner !== owner) {
        throw new AppError('forbidden', 'this conversation belongs to someone else');
      }
      try {
        const [rows] = await this.db.query<[unknown[]]>(
          found
            ? 'UPDATE $id SET updated_at = $now RETURN AFTER'
            : 'CREATE $id CONTENT $c RETURN AFTER',
          {
            id: key,
            now,
            c: { owner, title: title.slice(0, 120), created_at: now, updated_at: now },
          },
        );
        const row = Array.isArray(rows) ? rows[0] : rows;
        if (row) return toConversation(ConversationRow.parse(row));
      } catch (e) {
        // Two first turns raced to create it: read it again and decide on what is stored.
        if (!/already exists/i.test((e as Error).message)) throw e;
      }
    }
    throw new AppError('conflict', `conversation ${id} is being created elsewhere; try again`);
  }

  /** The owner's conversations, latest first; `before` is the updatedAt of the last one seen. */
  async list(
    owner: string,
    opts: { limit: number; before?: string },
  ): Promise<{ items: WebConversation[]; next: string | null }> {
    const before = opts.before ? new Date(opts.before) : undefined;
    if (before && Number.isNaN(before.getTime())) {
      throw new AppError('invalid_input', 'cursor: not a time');
    }
    const [rows] = await this.db.query<[unknown[]]>(
      before
        ? `SELECT * FROM web_conversation WHERE owner = $owner AND updated_at < $before
           ORDER BY updated_at DESC LIMIT $limit`
        : `SELECT * FROM web_conversation WHERE owner = $owner ORDER BY updated_at DESC LIMIT $limit`,
      { owner, before, limit: opts.limit + 1 },
    );
    const items = ConversationRow.array()
      .parse(rows ?? [])
      .map(toConversation);
    const more = items.length > opts.limit;
    const page = items.slice(0, opts.limit);
    return { items: page, next: more ? (page[page.length - 1]?.updatedAt ?? null) : null };
  }

  async rename(id: string, owner: string, title: string): Promise<WebConversation> {
    const c = await this.conversation(id);
    if (!c || c.owner !== owner) throw new AppError('not_found', `no conversation ${id}`);
    const [rows] = await this.db.query<[unknown[]]>('UPDATE $id SET title = $title RETURN AFTER', {
      id: rid('web_conversation', c.id),
      title: title.slice(0, 120),
    });
    const row = Array.isArray(rows) ? rows[0] : rows;
    return toConversation(ConversationRow.parse(row));
  }

  // ——— sessions ———

  async createSession(secret: string, user: string, ttlMs: number): Promise<void> {
    await this.db.query('CREATE $id CONTENT $c RETURN NONE', {
      id: rid('web_session', sessionKey(secret).slice(0, 64)),
      c: { user, created_at: new Date(), expires_at: new Date(Date.now() + ttlMs) },
    });
  }

  /** The user of a live session, or null (unknown or expired). */
  async sessionUser(secret: string): Promise<string | null> {
    const [rows] = await this.db.query<[unknown[]]>('SELECT user, expires_at FROM $id', {
      id: rid('web_session', sessionKey(secret).slice(0, 64)),
    });
    const row = Array.isArray(rows) ? rows[0] : rows;
    if (!row) return null;
    const s = SessionRow.parse(row);
    return Date.parse(s.expires_at) > Date.now() ? s.user : null;
  }

  async endSession(secret: string): Promise<void> {
    await this.db.query('DELETE $id', {
      id: rid('web_session', sessionKey(secret).slice(0, 64)),
    });
  }
}
