// Slack event ids already answered: a claim is one CREATE, which fails for an id seen before.
import type { Surreal } from 'surrealdb';
import { rid } from './ids.ts';

export class SlackEventsRepository {
  constructor(private readonly db: Surreal) {}

  /** True the first time `key` is claimed, false for every later delivery of the same event. */
  async claim(key: string): Promise<boolean> {
    try {
      await this.db.query('CREATE $id CONTENT { seen_at: time::now() } RETURN NONE', {
        id: rid('slack_event', key),
      });
      return true;
    } catch (e) {
      if (/already exists/i.test((e as Error).message)) return false;
      throw e;
    }
  }

  /** Forgets event ids seen before `before`: Slack retries within minutes, never days later. */
  async prune(before: Date): Promise<void> {
    await this.db.query('DELETE slack_event WHERE seen_at < $before RETURN NONE', { before });
  }
}
