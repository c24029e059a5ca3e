// Notices: things a person should hear about without asking (a budget proposal awaiting a
// decision; later, a ripple's change report or a rendition that failed brand QA). Domain code sends
// a notice with its view; surfaces that can reach people (Slack's notify channel) subscribe. A
// sink that fails is logged and never fails the work that sent the notice.
import type { Logger } from './log.ts';
import type { View } from './views.ts';

export interface Notice {
  kind: 'proposal' | 'ripple';
  /** One line for previews and logs. */
  summary: string;
  view: View;
}

export type NoticeSink = (n: Notice) => Promise<void>;

export class Notices {
  private readonly sinks: NoticeSink[] = [];
  constructor(private readonly log: Logger) {}

  subscribe(sink: NoticeSink): () => void {
    this.sinks.push(sink);
    return () => {
      const i = this.sinks.indexOf(sink);
      if (i >= 0) this.sinks.splice(i, 1);
    };
  }

  /** Delivers to every sink; resolves when all have tried. */
  async send(n: Notice): Promise<void> {
    await Promise.all(
      this.sinks.map((s) =>
        s(n).catch((err) => this.log.warn({ err, kind: n.kind }, 'a notice was not delivered')),
      ),
    );
  }
}
