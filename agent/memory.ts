// Conversation memory trimmed to a token budget (chars/4): whole turns, newest first, so a window
// never starts with an orphaned tool result or a tool call without its answer. The window is
// chosen from message sizes alone; only the messages inside it are read and parsed.
import type { ModelMessage } from 'ai';
import type {
  ConversationsRepository,
  MessageMeta,
  StoredMessage,
} from '../store/conversations.repository.ts';

export const estimateTokens = (chars: number) => Math.ceil(chars / 4);

/** The seq of the first message to keep, or null when nothing fits. */
export function windowStart(history: readonly MessageMeta[], budgetTokens: number): number | null {
  // Turns start at user messages; anything before the first one is an orphan and never kept.
  const turns: { start: number; cost: number }[] = [];
  for (const m of history) {
    if (m.role === 'user') turns.push({ start: m.seq, cost: 0 });
    const turn = turns[turns.length - 1];
    if (turn) turn.cost += estimateTokens(m.chars);
  }
  let used = 0;
  let start: number | null = null;
  for (let i = turns.length - 1; i >= 0; i--) {
    const turn = turns[i]!;
    if (used + turn.cost > budgetTokens) break;
    used += turn.cost;
    start = turn.start;
  }
  return start;
}

export function trimToBudget(
  history: readonly StoredMessage[],
  budgetTokens: number,
): ModelMessage[] {
  const start = windowStart(
    history.map((m) => ({ seq: m.seq, role: m.message.role, chars: m.chars })),
    budgetTokens,
  );
  if (start === null) return [];
  return history.filter((m) => m.seq >= start && m.message.role !== 'system').map((m) => m.message);
}

/** The conversation's memory window, and the tail seq to append the turn after. */
export async function loadMemory(
  repo: ConversationsRepository,
  conversationId: string,
  budgetTokens: number,
): Promise<{ messages: ModelMessage[]; lastSeq: number }> {
  const w = await repo.window(
    conversationId,
    (meta) => windowStart(meta, budgetTokens),
    budgetTokens * 4,
  );
  return {
    messages: w.messages.filter((m) => m.message.role !== 'system').map((m) => m.message),
    lastSeq: w.lastSeq,
  };
}
