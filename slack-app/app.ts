// The Slack app: Bolt, in HTTP mode at /slack/events inside `curator serve` (Bolt's own receiver
// does the signature check with its 5-minute replay window and acks at once), or in Socket Mode
// with an app token. A mention, a DM or /curator runs the agent with the Slack thread as the
// conversation: a placeholder is posted at once and updated as the answer arrives, then replaced
// by the answer's views as Block Kit. Approve and Deny buttons decide pending actions; notices
// (budget proposals) go to SLACK_NOTIFY_CHANNEL.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel, type Logger as SlackLogger, webApi } from '@slack/bolt';

type WebClient = webApi.WebClient;

import type { Agent } from '../agent/agent.ts';
import { callView } from '../agent/tool-views.ts';
import type { Deps } from '../core/deps.ts';
import { isAppError, publicMessage } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';
import type { PendingAction, View } from '../core/views.ts';
import {
  ACTIONS,
  answerBlocks,
  type Block,
  esc,
  fallbackText,
  known,
  reusable,
  viewBlocks,
} from './blocks.ts';

export const SLACK_EVENTS_PATH = '/slack/events';

export interface SlackSurface {
  mode: 'http' | 'socket';
  /**
   * HTTP mode: takes POST /slack/events at the socket and hands it to Bolt's receiver, which reads
   * the raw body to check Slack's signature and acks at once. Returns false for anything else.
   */
  handle?: (req: IncomingMessage, res: ServerResponse) => boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** pino behind Bolt's logger interface. */
function boltLogger(log: Logger): SlackLogger {
  const child = log.child({ surface: 'slack' });
  return {
    debug: (...m: unknown[]) => child.debug(m.map(String).join(' ')),
    info: (...m: unknown[]) => child.info(m.map(String).join(' ')),
    warn: (...m: unknown[]) => child.warn(m.map(String).join(' ')),
    error: (...m: unknown[]) => child.error(m.map(String).join(' ')),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}

/** The Slack conversation behind a thread: its memory and approvals live under this id. */
export const threadConversation = (channel: string, threadTs: string) =>
  `slack:${channel}:${threadTs}`;

const slackError = (e: unknown) =>
  (e as { data?: { error?: string } })?.data?.error ?? (e as Error)?.message ?? String(e);

/** The Slack app, or null when it is not configured. */
export function createSlack(deps: Deps, agent: Agent): SlackSurface | null {
  const cfg = deps.config.slack;
  if (!cfg.botToken || (!cfg.signingSecret && !cfg.appToken)) return null;
  const botToken = cfg.botToken;
  const log = deps.log.child({ surface: 'slack' });
  const logger = boltLogger(deps.log);
  const mode = cfg.appToken ? 'socket' : 'http';
  const clientOptions = { slackApiUrl: cfg.apiUrl, retryConfig: { retries: 2 } };

  // The bot's own Web API client, for asking who it is before Bolt is set up.
  const api = new webApi.WebClient(botToken, clientOptions);
  // Who the bot is, from auth.test: asked at start, asked again later if Slack was unreachable.
  let me: { userId?: string; botId?: string } | undefined;
  const whoAmI = async (client: WebClient) => {
    if (me) return me;
    try {
      const r = await client.auth.test();
      me = { userId: r.user_id, botId: r.bot_id };
    } catch (e) {
      log.warn({ error: slackError(e) }, 'Slack auth.test failed; Curator stays up and retries');
    }
    return me ?? {};
  };

  const receiver =
    mode === 'http'
      ? new HTTPReceiver({
          signingSecret: cfg.signingSecret ?? '',
          endpoints: SLACK_EVENTS_PATH,
          processBeforeResponse: false,
          logger,
        })
      : undefined;
  const bolt = new App({
    ...(receiver ? { receiver } : { socketMode: true, appToken: cfg.appToken }),
    logger,
    clientOptions,
    installerOptions: { clientOptions },
    deferInitialization: true,
    authorize: async () => {
      // Asked again (in the background, never holding up the ack) until Slack answers, so the
      // bot comes to know, and ignore, its own messages.
      if (!me) void whoAmI(api);
      const who = me ?? {};
      return { botToken, botUserId: who.userId, botId: who.botId };
    },
  });

  const imageUrl = (url: string | undefined): string | undefined => {
    const base = deps.config.http.publicUrl;
    if (!url || !base) return undefined;
    let u: URL;
    try {
      u = new URL(url, 'http://local');
    } catch {
      return undefined;
    }
    if (!/^\/(?:files|charts)\//.test(u.pathname)) return undefined;
    const p = u.pathname.replace(/\/thumb\.webp$/, '/thumb.png');
    return `${base}${deps.signer.sign(`${p}${u.search}`)}`;
  };

  // ——— one event, one answer ———
  const firstDelivery = async (eventId: string | undefined) => {
    if (!eventId) return true;
    const key = createHash('sha256').update(eventId).digest('hex').slice(0, 40);
    return deps.slackEvents.claim(key);
  };

  /** The events that get an answer: only those are claimed (DM edits and bot echoes are not). */
  const answered = (e: {
    type?: string;
    subtype?: string;
    channel_type?: string;
    bot_id?: string;
  }) =>
    e.type === 'app_mention' ||
    (e.type === 'message' && e.channel_type === 'im' && !e.subtype && !e.bot_id);

  bolt.use(async ({ body, next }) => {
    const b = body as { event_id?: string; type?: string; event?: Parameters<typeof answered>[0] };
    if (
      b.type === 'event_callback' &&
      b.event &&
      answered(b.event) &&
      !(await firstDelivery(b.event_id))
    ) {
      log.info({ eventId: b.event_id }, 'Slack delivered an event again; answered once already');
      return;
    }
    await next();
  });

  /** Runs one turn in a thread: placeholder first, updated as text arrives, then the views. */
  async function answer(args: {
    client: WebClient;
    channel: string;
    /** The thread to answer in; none: at the top of a DM, whose conversation is the DM itself. */
    threadTs?: string;
    user: string;
    text: string;
    onFail?: (message: string) => Promise<void>;
  }): Promise<void> {
    const { client, channel, threadTs, user } = args;
    const conversationId = threadTs ? threadConversation(channel, threadTs) : `slack:${channel}`;
    let placeholder: string | undefined;
    try {
      const r = await client.chat.postMessage({
        channel,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        text: 'Working on it…',
      });
      placeholder = r.ts;
    } catch (e) {
      const why = slackError(e);
      log.warn({ channel, error: why }, 'could not post in Slack');
      await args.onFail?.(
        why === 'not_in_channel' || why === 'channel_not_found'
          ? 'I am not in this channel: invite me with /invite @Curator, then ask again.'
          : `I could not post my answer here (${why}).`,
      );
      return;
    }
    const turn = agent.stream({
      message: args.text,
      conversationId,
      actor: { id: user, surface: 'slack', name: user },
    });
    const shown: View[] = [];
    const inputs = new Map<string, unknown>();
    let text = '';
    let lastUpdate = Date.now();
    const update = async (payload: { text: string; blocks?: Block[] }) => {
      if (!placeholder) return;
      try {
        await client.chat.update({
          channel,
          ts: placeholder,
          text: payload.text,
          ...(payload.blocks ? { blocks: known(payload.blocks) } : {}),
        });
      } catch (e) {
        const why = slackError(e);
        log.warn({ channel, error: why }, 'could not update the answer in Slack');
        // Blocks Slack refuses still leave the words.
        if (payload.blocks) {
          await client.chat
            .update({ channel, ts: placeholder, text: payload.text })
            .catch(() => {});
        }
      }
    };
    try {
      for await (const e of turn.events) {
        if (e.type === 'text') {
          text += e.delta;
          if (Date.now() - lastUpdate > 1500) {
            lastUpdate = Date.now();
            await update({ text: `${esc(text.slice(0, 3500))} …` });
          }
        } else if (e.type === 'tool-call') inputs.set(e.id, e.input);
        else if (e.type === 'tool-result' && e.error === undefined) {
          const v = callView(deps.tools, e.name, inputs.get(e.id), e.output).view;
          if (v) shown.push(v);
        }
      }
      const result = await turn.result;
      // The offline planner writes each view out as text; beside the blocks, its first line says it.
      const words =
        shown.length && result.model === 'offline-planner' ? (text.split('\n')[0] ?? '') : text;
      const blocks = answerBlocks(words, shown, { image: imageUrl, conversationId });
      blocks.push({
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `Answered by ${esc(result.model)}` }],
      });
      await update({ text: fallbackText(shown, text), blocks });
    } catch (e) {
      log.warn({ err: e, conversationId }, 'Slack turn failed');
      await update({ text: `I could not answer: ${esc(publicMessage(e))}` });
    }
  }

  const stripMention = (text: string) => text.replace(/<@[A-Z0-9]+(?:\|[^>]*)?>/g, ' ').trim();

  bolt.event('app_mention', async ({ event, client }) => {
    const e = event as {
      channel: string;
      ts: string;
      thread_ts?: string;
      user?: string;
      text: string;
    };
    if (!e.user) return;
    await answer({
      client,
      channel: e.channel,
      threadTs: e.thread_ts ?? e.ts,
      user: e.user,
      text: stripMention(e.text) || 'what can you do?',
    });
  });

  bolt.message(async ({ message, client }) => {
    const m = message as {
      channel: string;
      channel_type?: string;
      ts: string;
      thread_ts?: string;
      user?: string;
      text?: string;
      subtype?: string;
      bot_id?: string;
    };
    if (m.channel_type !== 'im' || m.subtype || m.bot_id || !m.user || !m.text?.trim()) return;
    await answer({
      client,
      channel: m.channel,
      // A DM is one conversation: answered at the top, unless the person replied in a thread.
      threadTs: m.thread_ts,
      user: m.user,
      text: stripMention(m.text),
    });
  });

  bolt.command('/curator', async ({ command, ack, client, respond }) => {
    const question = command.text.trim();
    if (!question) {
      await ack({
        response_type: 'ephemeral',
        text: 'Ask me something: `/curator best hero images for spring`',
      });
      return;
    }
    await ack();
    let threadTs: string | undefined;
    try {
      const r = await client.chat.postMessage({
        channel: command.channel_id,
        text: `<@${command.user_id}> asked: ${esc(question)}`,
      });
      threadTs = r.ts;
    } catch (e) {
      const why = slackError(e);
      log.warn({ channel: command.channel_id, error: why }, 'could not post the /curator question');
      await respond({
        response_type: 'ephemeral',
        text:
          why === 'not_in_channel' || why === 'channel_not_found'
            ? 'I am not in this channel: invite me with /invite @Curator, or DM me.'
            : `I could not post here (${why}).`,
      }).catch(() => {});
      return;
    }
    if (!threadTs) return;
    await answer({
      client,
      channel: command.channel_id,
      threadTs,
      user: command.user_id,
      text: question,
    });
  });

  // ——— buttons ———
  type ActionBody = {
    user: { id: string };
    channel?: { id: string };
    message?: { ts: string; thread_ts?: string; blocks?: Block[] };
    actions?: { value?: string; action_id: string }[];
  };

  const decide = (decision: 'approve' | 'deny') =>
    (async ({ ack, body, client, respond }) => {
      await ack();
      const b = body as ActionBody;
      const id = b.actions?.[0]?.value ?? '';
      const channel = b.channel?.id;
      const msg = b.message;
      if (!channel || !msg) return;
      const tell = (text: string) =>
        respond({ response_type: 'ephemeral', replace_original: false, text }).catch(() => {});
      const record = await deps.approvalGate.get(id).catch(() => null);
      if (!record) return tell(`There is no pending action ${esc(id)}.`);
      // Only the person who asked, or the approver group, decides.
      const group = deps.config.approvals.approvers;
      if (!group.length && record.requestedBy !== b.user.id) {
        return tell(`Only <@${record.requestedBy}>, who asked for it, can decide this action.`);
      }
      const actor = { id: b.user.id, surface: 'slack' as const, name: b.user.id };
      const binding = {
        conversationId: msg.thread_ts
          ? threadConversation(channel, msg.thread_ts)
          : channel.startsWith('D')
            ? `slack:${channel}`
            : threadConversation(channel, msg.ts),
      };
      let decided: PendingAction;
      let result: View | undefined;
      try {
        if (decision === 'deny') decided = await deps.approvalGate.deny(id, actor, binding);
        else {
          const r = await deps.approvalGate.approve(id, actor, binding);
          decided = r.action;
          result = callView(deps.tools, r.action.tool, r.action.input, r.output).view;
        }
      } catch (e) {
        if (!isAppError(e)) log.error({ err: e, approvalId: id }, 'Slack approval failed');
        return tell(publicMessage(e));
      }
      const line =
        decision === 'deny'
          ? `:no_entry: Denied by <@${b.user.id}>; nothing changed.`
          : `:white_check_mark: Approved by <@${b.user.id}>${decided.status === 'executed' ? '; it has run.' : '.'}`;
      const blocks = replacePending(reusable(msg.blocks ?? []), id, line);
      const after = result
        ? viewBlocks(result, { image: imageUrl, conversationId: binding.conversationId })
        : [];
      const room = 49 - blocks.length;
      blocks.push(...after.slice(0, Math.max(0, room)));
      if (after.length > room) {
        blocks.push({
          type: 'context',
          elements: [
            {
              type: 'mrkdwn',
              text: 'The result is longer than a message holds; ask in the thread.',
            },
          ],
        });
      }
      try {
        await client.chat.update({
          channel,
          ts: msg.ts,
          text: line,
          blocks: known(blocks.slice(0, 50)),
        });
      } catch (e) {
        log.warn(
          { error: slackError(e) },
          'could not update the decided action; saying it in the thread',
        );
        // The decision is never left unsaid.
        await client.chat
          .postMessage({ channel, thread_ts: msg.thread_ts ?? msg.ts, text: line })
          .catch(() => {});
      }
    }) as Parameters<typeof bolt.action>[1];

  bolt.action(ACTIONS.approve, decide('approve'));
  bolt.action(ACTIONS.deny, decide('deny'));

  /** "More" and the proposal's Approve…/Reject…: a turn in the same thread, as the clicker. */
  const askAgain = (say: (value: string) => string) =>
    (async ({ ack, body, client }) => {
      await ack();
      const b = body as ActionBody;
      const channel = b.channel?.id;
      const msg = b.message;
      if (!channel || !msg) return;
      await answer({
        client,
        channel,
        threadTs: msg.thread_ts ?? (channel.startsWith('D') ? undefined : msg.ts),
        user: b.user.id,
        text: say(b.actions?.[0]?.value ?? ''),
      });
    }) as Parameters<typeof bolt.action>[1];
  bolt.action(
    ACTIONS.more,
    askAgain(() => 'show me the next page'),
  );
  bolt.action(
    ACTIONS.ask,
    askAgain((v) => v),
  );

  bolt.error(async (e) => {
    log.error({ err: e }, 'Slack listener failed');
  });

  // ——— notices ———
  let unsubscribe: (() => void) | undefined;
  let pruner: NodeJS.Timeout | undefined;
  const notifyChannel = cfg.notifyChannel;

  return {
    mode,
    handle: receiver
      ? (req, res) => {
          if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== SLACK_EVENTS_PATH) {
            return false;
          }
          receiver.requestListener(req, res);
          return true;
        }
      : undefined,
    async start() {
      await bolt.init();
      await whoAmI(api);
      // Event ids are kept a day: Slack retries within minutes, so the table stays small.
      const prune = () =>
        deps.slackEvents
          .prune(new Date(Date.now() - 24 * 3_600_000))
          .catch((err) => log.warn({ err }, 'could not prune old Slack event ids'));
      void prune();
      pruner = setInterval(prune, 3_600_000);
      pruner.unref();
      if (notifyChannel) {
        unsubscribe = deps.notices.subscribe(async (n) => {
          const blocks = viewBlocks(n.view, {
            image: imageUrl,
            conversationId: 'notice',
          });
          try {
            await bolt.client.chat.postMessage({
              channel: notifyChannel,
              text: fallbackText([n.view], ''),
              blocks: known(blocks.slice(0, 49)),
            });
          } catch (e) {
            log.warn(
              { channel: notifyChannel, error: slackError(e) },
              'could not post a notice to Slack',
            );
          }
        });
      }
      if (mode === 'socket') {
        try {
          await bolt.start();
          log.info('Slack app connected in Socket Mode');
        } catch (e) {
          log.warn(
            { error: slackError(e) },
            'Slack Socket Mode could not connect; Curator stays up',
          );
        }
      } else log.info({ path: SLACK_EVENTS_PATH }, 'Slack app listening (HTTP mode)');
    },
    async stop() {
      unsubscribe?.();
      if (pruner) clearInterval(pruner);
      if (mode === 'socket') await bolt.stop().catch(() => {});
    },
  };
}

/** The message's blocks with one pending action's buttons replaced by who decided. */
function replacePending(blocks: Block[], id: string, line: string): Block[] {
  const out: Block[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i]!;
    if (b.block_id === `pending:${id}`) {
      // The card's heading no longer waits.
      const head = out[out.length - 1];
      if (head?.type === 'section' && typeof head.text?.text === 'string') {
        head.text = {
          ...head.text,
          text: head.text.text.replace('*Waiting for approval:*', '*Decided:*'),
        };
      }
      out.push({ type: 'context', elements: [{ type: 'mrkdwn', text: line }] });
      // The "expires" line after the buttons no longer applies.
      const nextText = JSON.stringify(blocks[i + 1] ?? {});
      if (nextText.includes('expires')) i++;
      continue;
    }
    out.push(b);
  }
  return out;
}
