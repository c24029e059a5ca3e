// DNS-rebinding guard for every HTTP route, installed first in createApp. Without it a web page on
// another site could rebind its domain to 127.0.0.1 and read the assets API and the files as if it
// were the local UI. The allow lists are MCP_ALLOWED_HOSTS / MCP_ALLOWED_ORIGINS: named for MCP,
// where the guard started, they now cover every route.
import type { MiddlewareHandler } from 'hono';
import type { Config } from '../core/config.ts';
import { AppError } from '../core/errors.ts';
import { hostAllowed, originAllowed } from '../core/host-check.ts';

export function hostGuard(config: Pick<Config, 'http' | 'mcp'>): MiddlewareHandler {
  return async (c, next) => {
    // The Node adapter builds the request URL from the Host header, so the URL's host stands in
    // when a request object carries none (in-process calls such as app.request in tests).
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    if (!hostAllowed(host, config)) {
      throw new AppError(
        'forbidden',
        'Host not allowed (DNS rebinding protection); add it to MCP_ALLOWED_HOSTS, which covers every route.',
      );
    }
    if (!originAllowed(c.req.header('origin'), config, host)) {
      throw new AppError(
        'forbidden',
        'Origin not allowed (DNS rebinding protection); add it to MCP_ALLOWED_ORIGINS, which covers every route.',
      );
    }
    await next();
  };
}
