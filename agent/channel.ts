// A turn's events as a replayable stream: every reader iterates from the first event.
import type { AgentEvent } from './types.ts';

/** An append-only event log that any number of readers can iterate from the start. */
export class Channel<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private closed = false;
  private error: { e: unknown } | undefined;
  private waiters: (() => void)[] = [];

  push(x: T) {
    this.items.push(x);
    this.wake();
  }
  close() {
    this.closed = true;
    this.wake();
  }
  fail(e: unknown) {
    this.error = { e };
    this.close();
  }
  private wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let i = 0;
    for (;;) {
      if (i < this.items.length) {
        yield this.items[i++]!;
        continue;
      }
      if (this.error) throw this.error.e;
      if (this.closed) return;
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }
}

export async function* textOnly(events: AsyncIterable<AgentEvent>): AsyncIterable<string> {
  for await (const e of events) if (e.type === 'text') yield e.delta;
}
