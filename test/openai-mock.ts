// Test support: msw handlers that speak OpenAI's real HTTP formats, driven by a script of replies.
// Chat Completions (JSON, and SSE with `delta.tool_calls` fragments) for OpenAI-compatible
// servers; the Responses API (JSON, and its typed SSE events) for OpenAI itself.
import { HttpResponse, http } from 'msw';

export type ScriptedReply =
  | { toolCalls: { name: string; args: Record<string, unknown> }[]; text?: string }
  | { text: string }
  | { status: number; error?: string; headers?: Record<string, string> }
  | { delayMs: number; reply: ScriptedReply };

/** A reply, or a function of the request body (to answer from the tool results it carries). */
export type ScriptStep = ScriptedReply | ((body: Record<string, unknown>) => ScriptedReply);

export interface OpenAIMock {
  handlers: ReturnType<typeof http.post>[];
  /** JSON bodies of every request received, in order. */
  requests: { url: string; body: Record<string, unknown> }[];
  /** Queues more replies. */
  push(...steps: ScriptStep[]): void;
  remaining(): number;
}

const encoder = new TextEncoder();
const usageChat = { prompt_tokens: 120, completion_tokens: 20, total_tokens: 140 };
const usageResponses = {
  input_tokens: 120,
  output_tokens: 20,
  total_tokens: 140,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens_details: { reasoning_tokens: 0 },
};

function sse(chunks: string[]): Response {
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      for (const chunk of chunks) c.enqueue(encoder.encode(chunk));
      c.close();
    },
  });
  return new HttpResponse(stream, {
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
  });
}

/** Splits a string into a few fragments, as providers stream them. */
function fragments(s: string, n = 3): string[] {
  if (s.length < n) return [s];
  const size = Math.ceil(s.length / n);
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

function errorResponse(r: { status: number; error?: string; headers?: Record<string, string> }) {
  const type =
    r.status === 429
      ? 'rate_limit_exceeded'
      : r.status >= 500
        ? 'server_error'
        : 'invalid_request_error';
  return HttpResponse.json(
    { error: { message: r.error ?? `scripted ${r.status}`, type, param: null, code: type } },
    { status: r.status, headers: r.headers },
  );
}

function chatCompletion(
  reply: Extract<ScriptedReply, { text: string } | { toolCalls: unknown }>,
  model: string,
  n: number,
  stream: boolean,
): Response {
  const id = `chatcmpl-${n}`;
  const created = 1_760_000_000 + n;
  const calls = 'toolCalls' in reply ? reply.toolCalls : [];
  const text = reply.text ?? null;
  const finish = calls.length ? 'tool_calls' : 'stop';
  const callIds = calls.map((_, i) => `call_${n}_${i}`);
  if (!stream) {
    return HttpResponse.json({
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: text,
            ...(calls.length
              ? {
                  tool_calls: calls.map((c, i) => ({
                    id: callIds[i],
                    type: 'function',
                    function: { name: c.name, arguments: JSON.stringify(c.args) },
                  })),
                }
              : {}),
          },
          finish_reason: finish,
        },
      ],
      usage: usageChat,
    });
  }
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...extra })}\n\n`;
  const out = [
    chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
  ];
  if (text)
    for (const f of fragments(text))
      out.push(chunk([{ index: 0, delta: { content: f }, finish_reason: null }]));
  calls.forEach((c, i) => {
    out.push(
      chunk([
        {
          index: 0,
          delta: {
            tool_calls: [
              {
                index: i,
                id: callIds[i],
                type: 'function',
                function: { name: c.name, arguments: '' },
              },
            ],
          },
          finish_reason: null,
        },
      ]),
    );
    for (const f of fragments(JSON.stringify(c.args))) {
      out.push(
        chunk([
          {
            index: 0,
            delta: { tool_calls: [{ index: i, function: { arguments: f } }] },
            finish_reason: null,
          },
        ]),
      );
    }
  });
  out.push(chunk([{ index: 0, delta: {}, finish_reason: finish }]));
  out.push(chunk([], { usage: usageChat }));
  out.push('data: [DONE]\n\n');
  return sse(out);
}

function responsesReply(
  reply: Extract<ScriptedReply, { text: string } | { toolCalls: unknown }>,
  model: string,
  n: number,
  stream: boolean,
): Response {
  const id = `resp_${n}`;
  const created_at = 1_760_000_000 + n;
  const calls = 'toolCalls' in reply ? reply.toolCalls : [];
  const output: Record<string, unknown>[] = [];
  if (reply.text) {
    output.push({
      type: 'message',
      id: `msg_${n}`,
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: reply.text, annotations: [] }],
    });
  }
  calls.forEach((c, i) => {
    output.push({
      type: 'function_call',
      id: `fc_${n}_${i}`,
      call_id: `call_${n}_${i}`,
      name: c.name,
      arguments: JSON.stringify(c.args),
      status: 'completed',
    });
  });
  const response = {
    id,
    object: 'response',
    created_at,
    status: 'completed',
    error: null,
    incomplete_details: null,
    model,
    output,
    usage: usageResponses,
  };
  if (!stream) return HttpResponse.json(response);
  let seq = 0;
  const ev = (type: string, data: Record<string, unknown>) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`;
  const shell = { id, object: 'response', created_at, model, status: 'in_progress', output: [] };
  const out = [
    ev('response.created', { response: shell }),
    ev('response.in_progress', { response: shell }),
  ];
  output.forEach((item, output_index) => {
    if (item.type === 'message') {
      const text = reply.text ?? '';
      out.push(
        ev('response.output_item.added', {
          output_index,
          item: { ...item, status: 'in_progress', content: [] },
        }),
      );
      out.push(
        ev('response.content_part.added', {
          item_id: item.id,
          output_index,
          content_index: 0,
          part: { type: 'output_text', text: '', annotations: [] },
        }),
      );
      for (const f of fragments(text)) {
        out.push(
          ev('response.output_text.delta', {
            item_id: item.id,
            output_index,
            content_index: 0,
            delta: f,
            logprobs: [],
          }),
        );
      }
      out.push(
        ev('response.output_text.done', {
          item_id: item.id,
          output_index,
          content_index: 0,
          text,
          logprobs: [],
        }),
      );
      out.push(
        ev('response.content_part.done', {
          item_id: item.id,
          output_index,
          content_index: 0,
          part: { type: 'output_text', text, annotations: [] },
        }),
      );
      out.push(ev('response.output_item.done', { output_index, item }));
    } else {
      const args = String(item.arguments);
      out.push(
        ev('response.output_item.added', {
          output_index,
          item: { ...item, arguments: '', status: 'in_progress' },
        }),
      );
      for (const f of fragments(args)) {
        out.push(
          ev('response.function_call_arguments.delta', {
            item_id: item.id,
            output_index,
            delta: f,
          }),
        );
      }
      out.push(
        ev('response.function_call_arguments.done', {
          item_id: item.id,
          output_index,
          arguments: args,
        }),
      );
      out.push(ev('response.output_item.done', { output_index, item }));
    }
  });
  out.push(ev('response.completed', { response }));
  return sse(out);
}

/**
 * Handlers for `${baseUrl}/chat/completions` and `${baseUrl}/responses`. Every request consumes
 * the next scripted step; a request with nothing scripted gets a 500 naming the problem.
 */
export function createOpenAIMock(baseUrl: string, steps: ScriptStep[] = []): OpenAIMock {
  const queue = [...steps];
  const requests: OpenAIMock['requests'] = [];
  let n = 0;
  const resolve = async (kind: 'chat' | 'responses', request: Request) => {
    const body = (await request.json()) as Record<string, unknown>;
    requests.push({ url: request.url, body });
    n++;
    const step = queue.shift();
    if (!step)
      return errorResponse({
        status: 500,
        error: 'the OpenAI mock has no reply scripted for this request',
      });
    let reply = typeof step === 'function' ? step(body) : step;
    while ('delayMs' in reply) {
      const wait = reply.delayMs;
      await new Promise<void>((r) => {
        const t = setTimeout(r, wait);
        request.signal.addEventListener('abort', () => {
          clearTimeout(t);
          r();
        });
      });
      reply = reply.reply;
    }
    if ('status' in reply) return errorResponse(reply);
    const model = String(body.model ?? 'unknown');
    const stream = body.stream === true;
    return kind === 'chat'
      ? chatCompletion(reply, model, n, stream)
      : responsesReply(reply, model, n, stream);
  };
  return {
    handlers: [
      http.post(`${baseUrl}/chat/completions`, ({ request }) => resolve('chat', request)),
      http.post(`${baseUrl}/responses`, ({ request }) => resolve('responses', request)),
    ],
    requests,
    push: (...more) => queue.push(...more),
    remaining: () => queue.length,
  };
}

/** The tool outputs carried by a request body, whichever API it uses, as parsed JSON. */
export function toolOutputsIn(body: Record<string, unknown>): unknown[] {
  const out: unknown[] = [];
  for (const m of (body.messages as Record<string, unknown>[] | undefined) ?? []) {
    if (m.role === 'tool' && typeof m.content === 'string') out.push(tryJson(m.content));
  }
  for (const item of (body.input as Record<string, unknown>[] | undefined) ?? []) {
    if (item.type === 'function_call_output') {
      out.push(typeof item.output === 'string' ? tryJson(item.output) : item.output);
    }
  }
  return out;
}

function tryJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
