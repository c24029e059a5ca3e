// The web chat's conversation routes. POST /api/chat runs one turn of the agent and streams it as
// the AI SDK UI message stream; the server's memory (SurrealDB) is the conversation, so only the
// newest user message of the body is read. Conversations are listed per person and read back as
// UI messages; pending actions are approved or denied from the page, bound to the person's
// conversation and to the exact input they were shown.
import { createUIMessageStream, createUIMessageStreamResponse } from 'ai';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { Agent } from '../agent/agent.ts';
import { callView } from '../agent/tool-views.ts';
import type { Deps } from '../core/deps.ts';
import { AppError, publicMessage } from '../core/errors.ts';
import { views } from '../core/views.ts';
import { newId } from '../store/ids.ts';
import { parseUploadId } from '../store/uploads.repository.ts';
import { parseWebConversationId } from '../store/web.repository.ts';
import type { DecisionResult } from './chat-types.ts';
import { jsonBody } from './json-body.ts';
import { webUser, webVerified } from './session.ts';
import { attachmentMarker, historyToUi, turnChunks } from './ui-stream.ts';

const Part = z.object({ type: z.string() }).loose();
const ChatBody = z
  .object({
    id: z.string().min(2).max(64),
    messages: z
      .array(
        z
          .object({
            id: z.string().max(200).optional(),
            role: z.enum(['user', 'assistant', 'system']),
            parts: z.array(Part).max(200),
          })
          .loose(),
      )
      .min(1)
      .max(1000),
    trigger: z.enum(['submit-message', 'regenerate-message']).optional(),
  })
  .loose();

const Decision = z.object({
  conversationId: z.string().min(2).max(64),
  /** The input the person was shown: the action runs only if it is exactly the stored one. */
  input: z.unknown().optional(),
});

const uploadUrl = (id: string) => `/api/uploads/${id}`;

/**
 * The agent's conversation (memory, approvals) behind a web conversation: in a namespace of its
 * own, so no id typed in a browser can reach a conversation of the CLI, MCP or Slack.
 */
export const memoryId = (webId: string) => `web:${webId}`;

/** How many stored messages a conversation shows when read back. */
const HISTORY_LIMIT = 1000;

/** Attachment markers are the server's to write: typed into a message, they are just removed. */
const TYPED_MARKER = /\[attached image upload:[^\]]*\]/gi;

/** The message the agent gets: the person's words, and a reference to each image they attached. */
async function turnText(
  deps: Deps,
  user: string,
  parts: z.infer<typeof Part>[],
): Promise<{ text: string; title: string }> {
  const words = parts
    .filter((p) => p.type === 'text' && typeof p.text === 'string')
    .map((p) => String(p.text))
    .join('\n')
    .replace(TYPED_MARKER, ' ')
    .trim();
  const uploads: string[] = [];
  for (const p of parts.filter((x) => x.type === 'file')) {
    const url = typeof p.url === 'string' ? p.url : '';
    const m = /^\/api\/uploads\/([a-z0-9][a-z0-9_-]{1,63})$/.exec(url);
    if (!m) throw new AppError('invalid_input', 'attach images by uploading them first');
    const up = await deps.uploads.get(parseUploadId(m[1]!));
    if (up.owner !== user) throw new AppError('not_found', `no upload ${m[1]}`);
    uploads.push(up.id);
  }
  if (uploads.length > 4) throw new AppError('invalid_input', 'attach at most 4 images');
  if (!words && !uploads.length) throw new AppError('invalid_input', 'the message is empty');
  // An image alone asks the obvious question.
  const said = words || 'find assets similar to this image';
  return {
    text: uploads.length ? `${said}\n${uploads.map(attachmentMarker).join('\n')}` : said,
    title: words || 'Similar to an uploaded image',
  };
}

export function mountChat(app: Hono, deps: Deps, agent: Agent): void {
  const actor = (user: string) => ({ id: user, surface: 'web' as const, name: user });
  const isApprover = (c: Context) =>
    webVerified(c) && deps.config.approvals.approvers.includes(webUser(c));

  /** The conversation, if it is this person's; not_found for anyone else's. */
  const owned = async (id: string, user: string) => {
    const c = await deps.web.conversation(parseWebConversationId(id));
    if (!c || c.owner !== user) throw new AppError('not_found', `no conversation ${id}`);
    return c;
  };

  app.post('/api/chat', jsonBody({ maxBytes: 2 * 1024 * 1024 }), async (c) => {
    const user = webUser(c);
    const parsed = ChatBody.safeParse(await c.req.json());
    if (!parsed.success) {
      throw new AppError(
        'invalid_input',
        parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
      );
    }
    const body = parsed.data;
    const conversationId = parseWebConversationId(body.id);
    const last = [...body.messages].reverse().find((m) => m.role === 'user');
    if (!last) throw new AppError('invalid_input', 'messages: no user message to answer');
    const { text, title } = await turnText(deps, user, last.parts);
    await deps.web.claim(conversationId, user, title.slice(0, 80));
    // "Try again": the answer that failed gives way to the new one, the question is asked once.
    if (body.trigger === 'regenerate-message') {
      await deps.conversations.dropLastTurn(memoryId(conversationId), text);
    }

    const turn = agent.stream({
      message: text,
      conversationId: memoryId(conversationId),
      actor: actor(user),
      signal: c.req.raw.signal,
    });
    const stream = createUIMessageStream({
      execute: async ({ writer }) => {
        for await (const chunk of turnChunks(turn.events, deps.tools, {
          messageId: newId(),
          model: agent.model,
        })) {
          writer.write(chunk);
        }
      },
      onError: (e) => {
        deps.log.warn({ err: e, conversationId }, 'web chat turn failed');
        return publicMessage(e);
      },
    });
    return createUIMessageStreamResponse({ stream, headers: { 'cache-control': 'no-store' } });
  });

  app.get('/api/conversations', async (c) => {
    const user = webUser(c);
    const limit = Number(c.req.query('limit') ?? 30);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      throw new AppError('invalid_input', 'limit: a whole number from 1 to 100');
    }
    const page = await deps.web.list(user, { limit, cursor: c.req.query('cursor') });
    return c.json({
      items: page.items.map((i) => ({ id: i.id, title: i.title, updatedAt: i.updatedAt })),
      next: page.next,
    });
  });

  app.get('/api/conversations/:id', async (c) => {
    const user = webUser(c);
    const conv = await owned(c.req.param('id'), user);
    const stored = await deps.conversations.recent(memoryId(conv.id), HISTORY_LIMIT);
    const messages = await historyToUi(stored, {
      tools: deps.tools,
      model: agent.model,
      uploadUrl,
      action: async (id) => {
        const record = await deps.approvals.get(id);
        const action = await deps.approvalGate.get(id);
        if (!record || !action) return null;
        const result =
          record.status === 'executed' && record.outputJson
            ? callView(
                deps.tools,
                record.tool,
                JSON.parse(record.inputJson),
                JSON.parse(record.outputJson),
              ).view
            : undefined;
        return { action, view: result };
      },
    });
    return c.json({
      id: conv.id,
      title: conv.title,
      updatedAt: conv.updatedAt,
      messages,
      // The first messages of a very long conversation are not read back.
      truncated: stored.length >= HISTORY_LIMIT,
    });
  });

  app.patch('/api/conversations/:id', jsonBody(), async (c) => {
    const user = webUser(c);
    const body = z
      .object({ title: z.string().trim().min(1).max(120) })
      .safeParse(await c.req.json());
    if (!body.success) throw new AppError('invalid_input', 'title: 1 to 120 characters');
    const conv = await deps.web.rename(c.req.param('id'), user, body.data.title);
    return c.json({ id: conv.id, title: conv.title, updatedAt: conv.updatedAt });
  });

  app.post('/api/chat/actions/:id/:decision{approve|deny}', jsonBody(), async (c) => {
    const user = webUser(c);
    const body = Decision.safeParse(await c.req.json());
    if (!body.success) {
      throw new AppError(
        'invalid_input',
        body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      );
    }
    const id = c.req.param('id');
    const decision = c.req.param('decision');
    // An approver of the group decides actions of any conversation, from their inbox; anyone else
    // only those of their own conversations.
    const conversationId = isApprover(c)
      ? ((await deps.approvalGate.get(id))?.conversationId ?? memoryId(body.data.conversationId))
      : memoryId((await owned(body.data.conversationId, user)).id);
    const binding = { conversationId, input: body.data.input };
    if (decision === 'approve' && deps.config.approvals.approvers.length && !webVerified(c)) {
      throw new AppError(
        'forbidden',
        'with an approver group (APPROVERS), approving needs a personal sign-in (WEB_USERS), not the shared token; nothing ran',
      );
    }
    let out: DecisionResult;
    if (decision === 'deny') {
      out = { action: await deps.approvalGate.deny(id, actor(user), binding) };
    } else {
      const r = await deps.approvalGate.approve(id, actor(user), binding);
      const shown = callView(deps.tools, r.action.tool, r.action.input, r.output);
      out = { action: r.action, view: shown.view ?? views.text('Done.') };
    }
    return c.json(out);
  });

  app.get('/api/chat/actions', async (c) => {
    webUser(c);
    if (!isApprover(c)) {
      throw new AppError('forbidden', 'the approval inbox is for the approver group (APPROVERS)');
    }
    return c.json({ items: await deps.approvalGate.pendingAll() });
  });

  app.get('/api/suggestions', async (c) => {
    webUser(c);
    return c.json({ items: await suggestions(deps) });
  });
}

/** Values that make a tool's example a question about this library. */
const FILL: Record<string, string> = {
  channel: 'Instagram',
  count: '5',
  colour: 'orange',
  date: 'last month',
  locale: 'German',
};

/**
 * Questions for an empty conversation, from the tools' own examples: one per tool, read-only
 * tools first, with placeholders filled from the library (a real campaign name). Examples that
 * need an id, an image or free text are skipped: they would not be a question as they stand.
 */
export async function suggestions(deps: Deps, max = 6): Promise<string[]> {
  const campaigns = await deps.catalog.campaigns().catch(() => []);
  const campaign = campaigns[0]?.name;
  const out: string[] = [];
  const tools = [...deps.tools].sort(
    (a, b) => Number(!!a.annotations.needsApproval) - Number(!!b.annotations.needsApproval),
  );
  for (const tool of tools) {
    if (tool.annotations.needsApproval) continue;
    for (const ex of tool.examples ?? []) {
      const holes = [...ex.say.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      if (holes.some((h) => !(h in FILL) && !(h === 'campaign' && campaign))) continue;
      const say = ex.say.replace(/\{(\w+)\}/g, (_, h: string) =>
        h === 'campaign' ? (campaign ?? '') : (FILL[h] ?? ''),
      );
      // Campaign questions are worth more than bare ones: prefer an example that names one.
      if (
        !holes.includes('campaign') &&
        campaign &&
        tool.examples?.some(
          (e) => e.say.includes('{campaign}') && !/\{(id|upload|text)\}/.test(e.say),
        )
      )
        continue;
      out.push(say.charAt(0).toUpperCase() + say.slice(1));
      break;
    }
    if (out.length >= max) break;
  }
  return out;
}
