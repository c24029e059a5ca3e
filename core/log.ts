// Logs always go to stderr: stdout belongs to `--json` output and to MCP's stdio JSON-RPC.
import { type Logger, pino } from 'pino';

export type { Logger };

export function createLogger(level: string, name = 'curator'): Logger {
  return pino({ name, level }, pino.destination({ fd: 2, sync: true }));
}
