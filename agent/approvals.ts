// Approvals: a side-effect tool never runs on a model's word alone. Its call becomes a pending
// action stored server-side, bound to one conversation and to a hash of the exact validated input;
// a person approves or denies it by id. Approval is claimed with one conditional UPDATE, so an
// action runs at most once even when two approvals race.
import { createHash } from 'node:crypto';
import type { Deps, Services } from '../core/deps.ts';
import { AppError, isAppError, publicMessage } from '../core/errors.ts';
import { canonicalJson, truncate } from '../core/util.ts';
import type { PendingAction } from '../core/views.ts';
import type { ApprovalRecord } from '../store/approvals.repository.ts';
import { parseConversationId } from '../store/conversations.repository.ts';
import { type Actor, type AnyTool, invokeTool, parseToolInput } from '../tools/define-tool.ts';

export type { PendingAction } from '../core/views.ts';

const SURFACES: readonly Actor['surface'][] = [
  'cli',
  'http',
  'mcp',
  'web',
  'slack',
  'agent',
  'test',
];

export { canonicalJson } from '../core/util.ts';

export const hashInput = (json: string) => createHash('sha256').update(json).digest('hex');

function toPending(r: ApprovalRecord): PendingAction {
  return {
    id: r.id,
    tool: r.tool,
    input: JSON.parse(r.inputJson),
    conversationId: r.conversationId,
    requestedBy: r.requestedBy.id,
    status: r.status,
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
    summary: r.summary,
    ...(r.targetsJson ? { targetCount: (JSON.parse(r.targetsJson) as unknown[]).length } : {}),
    ...(r.progress ? { progress: r.progress } : {}),
    ...(r.error ? { error: r.error } : {}),
  };
}

/** A tool without `summarize` is summarised by its exact input. */
function summarizeInput(tool: AnyTool, input: unknown): string {
  const json = canonicalJson(input);
  return `${tool.title ?? tool.name}: ${json.length > 240 ? `${json.slice(0, 240)}…` : json}`;
}

export interface ApprovalsOptions {
  /** The catalog the actions' tools come from: an action runs only a tool of this list. */
  tools: readonly AnyTool[];
  now?: () => Date;
}

export class Approvals {
  private readonly tools: readonly AnyTool[];
  private readonly now: () => Date;

  constructor(
    private readonly deps: Services & Pick<Deps, 'conversations'>,
    opts: ApprovalsOptions,
  ) {
    this.tools = opts.tools;
    this.now = opts.now ?? (() => new Date());
  }

  /** Validates the input now (a bad call fails at once, to the model) and stores the pending action. */
  async request(args: {
    tool: AnyTool;
    input: unknown;
    conversationId: string;
    requestedBy: Actor;
  }): Promise<PendingAction> {
    const { tool, requestedBy } = args;
    if (!tool.annotations.needsApproval && !tool.needsApproval) {
      throw new AppError('invalid_input', `${tool.name} runs without approval; call it directly`);
    }
    const conversationId = parseConversationId(args.conversationId);
    const input = parseToolInput(tool, args.input);
    const inputJson = canonicalJson(input);
    // Resolve the exact targets now: approval covers what the person saw, not what matches later.
    const prepared = tool.summarize ? await tool.summarize(input, this.deps) : undefined;
    const targetsJson = prepared?.targets ? JSON.stringify(prepared.targets) : undefined;
    const record = await this.deps.approvals.create({
      tool: tool.name,
      inputJson,
      // The targets are part of what was approved: altering them breaks the hash.
      inputHash: hashInput(targetsJson ? `${inputJson}\n${targetsJson}` : inputJson),
      conversationId,
      requestedBy: { id: requestedBy.id, surface: requestedBy.surface, name: requestedBy.name },
      summary: prepared?.text ?? summarizeInput(tool, input),
      expiresAt: new Date(this.now().getTime() + this.deps.config.approvals.ttlMs),
      targetsJson,
    });
    this.deps.log.info(
      { approvalId: record.id, tool: tool.name, conversationId, requestedBy: requestedBy.id },
      'approval requested',
    );
    return toPending(record);
  }

  async get(id: string): Promise<PendingAction | null> {
    const r = await this.find(id);
    return r ? toPending(r) : null;
  }

  async pending(conversationId: string): Promise<PendingAction[]> {
    const rows = await this.deps.approvals.pendingFor(
      parseConversationId(conversationId),
      this.now(),
    );
    return rows.map(toPending);
  }

  /** Every pending action of every conversation, for the approver group. */
  async pendingAll(): Promise<PendingAction[]> {
    return (await this.deps.approvals.pendingAll(this.now())).map(toPending);
  }

  /**
   * Runs the stored input (never the client's copy) once, with `ctx.approval` set so the tool gate
   * lets it through. `binding` must name the action's conversation and, when given, its exact input.
   */
  async approve(
    id: string,
    by: Actor,
    binding: { conversationId: string; input?: unknown },
  ): Promise<{ action: PendingAction; output: unknown }> {
    const record = await this.bound(id, by, binding);
    const tool = this.tools.find((t) => t.name === record.tool);
    if (binding.input !== undefined) {
      // Compare validated forms, so defaults filled in on either side do not matter.
      const offered = tool ? safeCanonical(tool, binding.input) : canonicalJson(binding.input);
      if (offered === null || hashInput(withTargets(offered, record)) !== record.inputHash) {
        throw new AppError(
          'forbidden',
          `approval ${id} was requested for a different input; nothing ran`,
        );
      }
    }
    const claimed = await this.deps.approvals.transition(id, 'approved', by.id, this.now());
    if (!claimed) throw await this.notClaimable(id);
    if (!tool) {
      await this.deps.approvals.markFailed(id, `tool ${record.tool} no longer exists`);
      throw new AppError(
        'not_found',
        `tool ${record.tool} of approval ${id} no longer exists; nothing ran`,
      );
    }
    return this.execute(claimed, tool, by.id);
  }

  /**
   * Runs actions that were approved but stopped mid-way (the process ended): each resumes at its
   * first batch that did not commit. Called when a server or command opens the store.
   */
  async resumeInterrupted(): Promise<{ id: string; ok: boolean; error?: string }[]> {
    const out: { id: string; ok: boolean; error?: string }[] = [];
    for (const r of await this.deps.approvals.interrupted()) {
      const tool = this.tools.find((t) => t.name === r.tool);
      if (!tool) {
        await this.deps.approvals.markFailed(r.id, `tool ${r.tool} no longer exists`);
        continue;
      }
      this.deps.log.info({ approvalId: r.id, progress: r.progress }, 'resuming an approved action');
      try {
        await this.execute(r, tool, r.decidedBy ?? 'unknown');
        out.push({ id: r.id, ok: true });
      } catch (e) {
        out.push({ id: r.id, ok: false, error: publicMessage(e) });
      }
    }
    return out;
  }

  private async execute(
    record: ApprovalRecord,
    tool: AnyTool,
    approvedBy: string,
  ): Promise<{ action: PendingAction; output: unknown }> {
    const id = record.id;
    const requester: Actor = {
      id: record.requestedBy.id,
      surface: SURFACES.includes(record.requestedBy.surface as Actor['surface'])
        ? (record.requestedBy.surface as Actor['surface'])
        : 'agent',
      name: record.requestedBy.name,
    };
    let output: unknown;
    try {
      output = await invokeTool(tool, JSON.parse(record.inputJson), this.deps, {
        actor: requester,
        conversationId: record.conversationId,
        approval: {
          id,
          approvedBy,
          ...(record.targetsJson ? { targets: JSON.parse(record.targetsJson) as string[] } : {}),
          ...(record.progress ? { startBatch: record.progress.done } : {}),
        },
      });
    } catch (e) {
      const reason = publicMessage(e);
      if (!isAppError(e)) this.deps.log.error({ err: e, approvalId: id }, 'approved action failed');
      await this.deps.approvals.markFailed(id, reason);
      await this.note(
        record.conversationId,
        `Approval ${id} (${record.summary}) was approved by ${approvedBy}, but running ${record.tool} failed: ${reason}. Nothing else was retried.`,
      );
      throw isAppError(e)
        ? e
        : new AppError('internal', `${record.tool} failed after approval: ${reason}`);
    }
    const outputJson = JSON.stringify(output);
    const done = (await this.deps.approvals.markExecuted(id, outputJson)) ?? record;
    this.deps.log.info(
      { approvalId: id, tool: record.tool, approvedBy },
      'approved action executed',
    );
    await this.note(
      record.conversationId,
      `Approval ${id} (${record.summary}) was approved by ${approvedBy} and ${record.tool} has run. Result: ${truncate(outputJson, 1500)}`,
    );
    return { action: toPending(done), output };
  }

  async deny(id: string, by: Actor, binding: { conversationId: string }): Promise<PendingAction> {
    await this.bound(id, by, binding, 'deny');
    const denied = await this.deps.approvals.transition(id, 'denied', by.id, this.now());
    if (!denied) throw await this.notClaimable(id);
    this.deps.log.info({ approvalId: id, tool: denied.tool, deniedBy: by.id }, 'approval denied');
    await this.note(
      denied.conversationId,
      `Approval ${id} (${denied.summary}) was denied by ${by.id}; nothing changed.`,
    );
    return toPending(denied);
  }

  private async find(id: string): Promise<ApprovalRecord | null> {
    if (!/^[a-z0-9][a-z0-9_-]{1,63}$/.test(id)) return null;
    const r = await this.deps.approvals.get(id);
    if (r && r.status === 'pending' && Date.parse(r.expiresAt) <= this.now().getTime()) {
      await this.deps.approvals.markExpired(id, this.now());
      return { ...r, status: 'expired' };
    }
    return r;
  }

  /** The record, if it exists, belongs to this conversation, is intact and the actor may decide. */
  private async bound(
    id: string,
    by: Actor,
    binding: { conversationId: string },
    decision: 'approve' | 'deny' = 'approve',
  ): Promise<ApprovalRecord> {
    if (by.surface === 'agent') {
      throw new AppError('forbidden', 'only a person can approve or deny an action, not the agent');
    }
    const record = await this.find(String(id));
    if (!record)
      throw new AppError(
        'not_found',
        `no approval with id ${JSON.stringify(String(id).slice(0, 80))}`,
      );
    const approvers = this.deps.config.approvals.approvers;
    // Anyone who may see the action may refuse it (the requester cancels); approving is stricter.
    if (approvers.length && decision === 'approve') {
      // With an approver group, approval is a second person's: a member who did not ask.
      if (!approvers.includes(by.id)) {
        throw new AppError(
          'forbidden',
          `${by.id} is not in the approver group (APPROVERS); nothing ran`,
        );
      }
      if (by.id === record.requestedBy.id) {
        throw new AppError(
          'forbidden',
          `${by.id} asked for this action; another approver must decide it; nothing ran`,
        );
      }
    }
    if (record.conversationId !== binding.conversationId) {
      throw new AppError(
        'forbidden',
        `approval ${id} belongs to another conversation; nothing ran`,
      );
    }
    if (hashInput(withTargets(record.inputJson, record)) !== record.inputHash) {
      // The stored input no longer matches what was requested: refuse rather than run it.
      this.deps.log.error({ approvalId: id }, 'stored approval input does not match its hash');
      throw new AppError('forbidden', `approval ${id} has been altered; nothing ran`);
    }
    return record;
  }

  private async notClaimable(id: string): Promise<AppError> {
    const r = await this.find(id);
    const status = r?.status ?? 'gone';
    const why =
      status === 'expired'
        ? `expired at ${r?.expiresAt}; ask again`
        : status === 'denied'
          ? `was denied by ${r?.decidedBy ?? 'someone'}`
          : status === 'approved' || status === 'executed'
            ? `was already approved by ${r?.decidedBy ?? 'someone'}`
            : 'is no longer pending';
    return new AppError('conflict', `approval ${id} ${why}`, 409, { status });
  }

  /** Adds an assistant note to the conversation so the next turn knows what happened. */
  private async note(conversationId: string, text: string): Promise<void> {
    try {
      await this.deps.conversations.append(conversationId, [
        { role: 'assistant', content: [{ type: 'text', text }] },
      ]);
    } catch (e) {
      this.deps.log.warn(
        { err: e, conversationId },
        'could not record the approval outcome in memory',
      );
    }
  }
}

const withTargets = (inputJson: string, r: ApprovalRecord) =>
  r.targetsJson ? `${inputJson}\n${r.targetsJson}` : inputJson;

function safeCanonical(tool: AnyTool, input: unknown): string | null {
  try {
    return canonicalJson(parseToolInput(tool, input));
  } catch {
    return null;
  }
}
