// The tool catalog over MCP. tools/list and tools/call are served here rather than through
// McpServer.registerTool: the SDK would parse arguments itself (and hand us already-transformed
// values to parse again) and would reject a pending-approval result that does not match the tool's
// output schema. Here validation, the approval gate and the size budget go through runToolGated,
// exactly as for the agent, and every failure becomes an `isError` result the model can read.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ElicitResultSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type Tool as McpTool,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { PendingAction } from '../agent/approvals.ts';
import { runToolGated } from '../agent/run-tool.ts';
import type { Deps } from '../core/deps.ts';
import { isAppError } from '../core/errors.ts';
import { truncate } from '../core/util.ts';
import { PendingAction as PendingActionSchema, type View, viewText } from '../core/views.ts';
import {
  type Actor,
  type AnyTool,
  RESULT_BUDGET_CHARS,
  type ToolContext,
} from '../tools/define-tool.ts';

/** Pending actions from a stdio client are bound to this conversation (there is no session id). */
export const STDIO_CONVERSATION = 'mcp-stdio';

/** How a person approves a pending action outside the MCP client (`curator mcp approve`, cli/mcp.ts). */
export function howToApprove(action: Pick<PendingAction, 'id' | 'conversationId'>): string {
  const conv =
    action.conversationId === STDIO_CONVERSATION ? '' : ` --conversation ${action.conversationId}`;
  return `A person approves it with \`curator mcp approve ${action.id}${conv}\` (or \`curator mcp deny …\`), or, while \`curator serve\` runs, with POST /api/approvals/${action.id}/approve {"conversationId":"${action.conversationId}"} and the approver token; nothing changes until then.`;
}

/**
 * What a needsApproval tool returns while (or because) a person has not approved it: the same
 * PendingAction the agent and the HTTP approvals API return, and how a person decides on it.
 */
export const ApprovalOutcome = z.object({
  pending: PendingActionSchema,
  changed: z.literal(false),
  howToApprove: z.string(),
});
export type ApprovalOutcome = z.infer<typeof ApprovalOutcome>;

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  // draft-7 like the SDK itself: clients validate structured output with Ajv's default dialect.
  return z.toJSONSchema(schema, { target: 'draft-7', io, unrepresentable: 'any' }) as JsonSchema;
}

const isObjectSchema = (s: JsonSchema) => s.type === 'object';

interface ToolSchemas {
  input: JsonSchema;
  /** Undefined when the tool's result is not a JSON object (MCP structured content must be one). */
  output?: JsonSchema;
}

function schemasFor(tool: AnyTool): ToolSchemas {
  const input = jsonSchema(tool.input, 'input');
  const out = jsonSchema(tool.output, 'output');
  if (!isObjectSchema(out)) return { input };
  if (!tool.annotations.needsApproval) return { input, output: out };
  // A gated tool answers either with its result or with the approval outcome; say both.
  const { $schema, ...result } = out;
  const { $schema: _s, ...approval } = jsonSchema(ApprovalOutcome, 'output');
  return { input, output: { $schema, type: 'object', anyOf: [result, approval] } };
}

function describe(tool: AnyTool): string {
  if (!tool.annotations.needsApproval) return tool.description;
  return `${tool.description} Needs a person's approval: a call records a pending action (its id is in the result) and changes nothing until a person approves that exact input.`;
}

export function toMcpTool(tool: AnyTool, schemas = schemasFor(tool)): McpTool {
  const a = tool.annotations;
  return {
    name: tool.name,
    title: tool.title,
    description: describe(tool),
    inputSchema: schemas.input as McpTool['inputSchema'],
    ...(schemas.output ? { outputSchema: schemas.output as McpTool['outputSchema'] } : {}),
    annotations: {
      title: tool.title,
      readOnlyHint: Boolean(a.readOnly),
      destructiveHint: a.readOnly ? false : Boolean(a.destructive),
      idempotentHint: Boolean(a.idempotent),
      // Curator only touches its own library, never the outside world.
      openWorldHint: false,
    },
  };
}

export function errorResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

/**
 * A successful result: the tool's view as compact text, the same JSON as text (for clients that
 * ignore structured content), links to the assets it shows (asset://<id>, thumbnail included),
 * and the object itself as structured content.
 */
function okResult(
  tool: AnyTool,
  output: unknown,
  input: unknown,
  structured: boolean,
): CallToolResult {
  const text = JSON.stringify(output);
  if (text.length > RESULT_BUDGET_CHARS) {
    return errorResult(
      `${tool.name} returned ${text.length} characters, over the ~8k-token budget for one result. Narrow the filters or pass a smaller \`limit\` and page with \`cursor\`.`,
    );
  }
  const isRecord = output !== null && typeof output === 'object' && !Array.isArray(output);
  const view = viewOf(tool, output, input);
  return {
    content: [
      ...(view ? [{ type: 'text' as const, text: viewText(view) }] : []),
      { type: 'text', text },
      ...(view ? assetLinks(view) : []),
    ],
    ...(structured && isRecord ? { structuredContent: output as Record<string, unknown> } : {}),
  };
}

function viewOf(tool: AnyTool, output: unknown, input: unknown): View | undefined {
  if (!tool.view) return undefined;
  try {
    return tool.view(output, input);
  } catch {
    return undefined;
  }
}

/** The assets a view shows, as resource links a client can open (metadata plus thumbnail). */
function assetLinks(view: View): CallToolResult['content'] {
  const items =
    view.kind === 'grid'
      ? view.items.slice(0, 10).map((i) => ({ id: i.id, title: i.title }))
      : view.kind === 'detail'
        ? [{ id: view.id, title: view.title }]
        : [];
  return items.map((i) => ({
    type: 'resource_link' as const,
    uri: `asset://${i.id}`,
    name: i.title || i.id,
    mimeType: 'application/json',
    description: 'asset metadata and thumbnail',
  }));
}

function approvalResult(action: PendingAction, status: 'pending' | 'denied'): CallToolResult {
  const outcome: ApprovalOutcome = {
    pending: { ...action, status },
    changed: false,
    howToApprove:
      status === 'pending'
        ? howToApprove(action)
        : 'The user declined; do not retry unless they ask.',
  };
  const text =
    status === 'pending'
      ? `Pending approval, nothing changed yet: ${action.summary}. Action id ${action.id} (expires ${action.expiresAt}). ${howToApprove(action)} Tell the user; do not call the tool again for the same change.`
      : `Declined by the user, nothing changed: ${action.summary} (action ${action.id}).`;
  return { content: [{ type: 'text', text }], structuredContent: outcome };
}

export interface McpToolsOptions {
  tools: readonly AnyTool[];
  /** The conversation pending actions are bound to: the MCP session id, or a fixed id for stdio. */
  conversationId: (sessionId: string | undefined) => string;
  /** How long to wait for a person to answer an approval prompt in the client. */
  elicitTimeoutMs: number;
  /** False: never ask in the client; the result is the pending action and how a person approves it. */
  elicitApproval: boolean;
}

/** Registers tools/list and tools/call on the server. Must run before connect(). */
export function registerCatalogTools(mcp: McpServer, deps: Deps, opts: McpToolsOptions): void {
  const server = mcp.server;
  const byName = new Map(opts.tools.map((t) => [t.name, { tool: t, schemas: schemasFor(t) }]));
  const listed = [...byName.values()].map(({ tool, schemas }) => toMcpTool(tool, schemas));

  server.registerCapabilities({ tools: { listChanged: false } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listed }));

  server.setRequestHandler(CallToolRequestSchema, async (req, extra): Promise<CallToolResult> => {
    const entry = byName.get(req.params.name);
    if (!entry) {
      throw new McpError(
        ErrorCode.InvalidParams,
        `unknown tool ${req.params.name}; available: ${[...byName.keys()].join(', ')}`,
      );
    }
    const { tool, schemas } = entry;
    const client = server.getClientVersion()?.name;
    const actor: Actor = { id: 'mcp', surface: 'mcp', ...(client ? { name: client } : {}) };
    const conversationId = opts.conversationId(extra.sessionId);
    const ctx: ToolContext = { actor, conversationId, signal: extra.signal };
    try {
      const r = await runToolGated(tool, req.params.arguments ?? {}, deps, ctx);
      if (r.kind === 'result')
        return okResult(tool, r.output, req.params.arguments ?? {}, Boolean(schemas.output));
      return await askForApproval(r.action);
    } catch (e) {
      return failure(tool, e);
    }

    /**
     * The human approval path inside the client: an elicitation is answered by the person using
     * the client, not by the model. Accept runs the action once through Approvals; decline denies
     * it; anything else (no capability, dismissed, timed out) leaves it pending for the web or CLI.
     * Off (elicitApproval false, HTTP by default): whoever answers could be the program that holds
     * the token, so the action stays pending for a person with the CLI or the approver token.
     */
    async function askForApproval(action: PendingAction): Promise<CallToolResult> {
      if (
        !opts.elicitApproval ||
        !supportsFormElicitation(server.getClientCapabilities()?.elicitation)
      ) {
        return approvalResult(action, 'pending');
      }
      let answer: z.infer<typeof ElicitResultSchema>;
      try {
        answer = await extra.sendRequest(
          {
            method: 'elicitation/create',
            params: {
              mode: 'form',
              message: `Curator wants to run ${action.tool}: ${action.summary}.\nExact input: ${truncate(JSON.stringify(action.input), 1_000)}\nApprove this change?`,
              requestedSchema: {
                type: 'object',
                properties: {
                  approve: {
                    type: 'boolean',
                    title: 'Approve',
                    description: `Run ${action.tool} with exactly this input (action ${action.id})`,
                    default: false,
                  },
                },
                required: ['approve'],
              },
            },
          },
          ElicitResultSchema,
          { timeout: opts.elicitTimeoutMs, signal: extra.signal },
        );
      } catch (e) {
        deps.log.info(
          { err: e, actionId: action.id },
          'mcp: approval prompt unanswered; action stays pending',
        );
        return approvalResult(action, 'pending');
      }
      // The person at the client answered, not the model: that is the approving actor.
      const approver: Actor = {
        id: `mcp-user${client ? `:${client}` : ''}`,
        surface: 'mcp',
        ...(client ? { name: client } : {}),
      };
      if (answer.action === 'accept' && answer.content?.approve === true) {
        const done = await deps.approvalGate.approve(action.id, approver, {
          conversationId,
          input: action.input,
        });
        return okResult(tool, done.output, action.input, Boolean(schemas.output));
      }
      if (
        answer.action === 'decline' ||
        (answer.action === 'accept' && answer.content?.approve === false)
      ) {
        await deps.approvalGate.deny(action.id, approver, { conversationId });
        return approvalResult(action, 'denied');
      }
      return approvalResult(action, 'pending');
    }
  });

  function failure(tool: AnyTool, e: unknown): CallToolResult {
    if (isAppError(e) && e.code === 'too_large') {
      return errorResult(
        `${e.message}. That is over the ~8k-token budget for one result: narrow the filters or pass a smaller \`limit\` and page with \`cursor\`.`,
      );
    }
    if (isAppError(e)) return errorResult(e.message);
    if (e instanceof McpError) return errorResult(e.message);
    deps.log.error({ err: e, tool: tool.name }, 'mcp: tool failed');
    return errorResult(
      `${tool.name} failed with an internal error; the details are in the server log.`,
    );
  }
}

/** An empty elicitation capability means form mode (the spec's backwards-compatible default). */
function supportsFormElicitation(cap: Record<string, unknown> | undefined): boolean {
  if (!cap) return false;
  return Object.keys(cap).length === 0 || 'form' in cap;
}
