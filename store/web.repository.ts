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

const SessionRow = z.object({
  user: z.string(),
  verified: z.boolean().optional(),
  expires_at: zTime,
});

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

  /**
   * The owner's conversations, latest first. The cursor is the last one seen ("time|id"), so
   * conversations touched in the same instant are neither skipped nor repeated.
   */
  async list(
    owner: string,
    opts: { limit: number; cursor?: string },
  ): Promise<{ items: WebConversation[]; next: string | null }> {
    let after: { at: Date; id: string } | undefined;
    if (opts.cursor) {
      const [t, id] = opts.cursor.split('|');
      const at = new Date(t ?? '');
      if (Number.isNaN(at.getTime()) || !id || !Key.safeParse(id).success) {
        throw new AppError('invalid_input', 'cursor: not one this list gave');
      }
      after = { at, id };
    }
    const [rows] = await this.db.query<[unknown[]]>(
      after
        ? `SELECT * FROM web_conversation WHERE owner = $owner
             AND (updated_at < $at OR (updated_at = $at AND id < $rid))
           ORDER BY updated_at DESC, id DESC LIMIT $limit`
        : `SELECT * FROM web_conversation WHERE owner = $owner
           ORDER BY updated_at DESC, id DESC LIMIT $limit`,
      {
        owner,
        at: after?.at,
        rid: after ? rid('web_conversation', after.id) : undefined,
        limit: opts.limit + 1,
      },
    );
    const items = ConversationRow.array()
      .parse(rows ?? [])
      .map(toConversation);
    const page = items.slice(0, opts.limit);
    const last = page[page.length - 1];
    return {
      items: page,
      next: items.length > opts.limit && last ? `${last.updatedAt}|${last.id}` : null,
    };
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

  /** `verified`: a personal token named the user (a shared one does not). */
  async createSession(
    secret: string,
    user: string,
    ttlMs: number,
    verified: boolean,
  ): Promise<void> {
    await this.db.query('CREATE $id CONTENT $c RETURN NONE', {
      id: rid('web_session', sessionKey(secret).slice(0, 64)),
      c: { user, verified, created_at: new Date(), expires_at: new Date(Date.now() + ttlMs) },
    });
  }

  /** The user of a live session, or null (unknown or expired). */
  async sessionUser(secret: string): Promise<{ user: string; verified: boolean } | null> {
    const [rows] = await this.db.query<[unknown[]]>('SELECT user, verified, expires_at FROM $id', {
      id: rid('web_session', sessionKey(secret).slice(0, 64)),
    });
    const row = Array.isArray(rows) ? rows[0] : rows;
    if (!row) return null;
    const s = SessionRow.parse(row);
    return Date.parse(s.expires_at) > Date.now()
      ? { user: s.user, verified: s.verified === true }
      : null;
  }

  async endSession(secret: string): Promise<void> {
    await this.db.query('DELETE $id', {
      id: rid('web_session', sessionKey(secret).slice(0, 64)),
    });
  }
}
