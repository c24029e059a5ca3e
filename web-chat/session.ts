// Who is on the other end of the browser. Without WEB_AUTH_TOKEN the server is a single person's,
// on loopback (`curator serve` refuses any other address then), and everyone is "local". With it,
// a person signs in with the token and their name and gets an HttpOnly session cookie; API
// clients may send the token as a bearer instead. Every route but health, the static page, sign-in
// and the routes with their own tokens (MCP, approvals, performance import) needs one or the other.
import { randomBytes } from 'node:crypto';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { bearerMatches } from '../core/auth.ts';
import type { Deps } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import { jsonBody } from './json-body.ts';

export const SESSION_COOKIE = 'curator_session';
export const LOCAL_USER = 'local';

declare module 'hono' {
  interface ContextVariableMap {
    /** Who is asking, set by webAuth for every request. */
    webUser: string | undefined;
  }
}

/** The person making this request (set by webAuth). */
export function webUser(c: Context): string {
  const u = c.get('webUser');
  if (!u) throw new AppError('unauthorized', 'sign in first');
  return u;
}

/** Routes that answer without a web session: they are public or guard themselves. */
function exempt(p: string): boolean {
  return (
    p === '/' ||
    p === '/healthz' ||
    p === '/favicon.svg' ||
    p.startsWith('/ui/') ||
    p === '/mcp' ||
    p.startsWith('/mcp/') ||
    p === '/api/session' ||
    p.startsWith('/api/approvals/') ||
    p === '/api/performance' ||
    p.startsWith('/api/performance/')
  );
}

export function webAuth(deps: Deps): MiddlewareHandler {
  const token = deps.config.web.authToken;
  return async (c, next) => {
    if (!token) {
      c.set('webUser', LOCAL_USER);
      return next();
    }
    const user = await signedIn(c, deps, token);
    if (user) c.set('webUser', user);
    else if (!exempt(c.req.path)) {
      throw new AppError(
        'unauthorized',
        'sign in at / with WEB_AUTH_TOKEN, or send Authorization: Bearer <WEB_AUTH_TOKEN>',
      );
    }
    return next();
  };
}

async function signedIn(c: Context, deps: Deps, token: string): Promise<string | null> {
  const auth = c.req.header('authorization');
  if (auth && bearerMatches(auth, token)) return 'api';
  const secret = getCookie(c, SESSION_COOKIE);
  if (!secret || !/^[A-Za-z0-9_-]{20,100}$/.test(secret)) return null;
  return deps.web.sessionUser(secret);
}

const SignIn = z.object({
  token: z.string().min(1).max(500),
  name: z
    .string()
    .trim()
    .min(1)
    .max(60)
    .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._@-]*$/u, 'letters, digits, spaces and . _ @ - only'),
});

/** Failed sign-ins per client address: ten in a row lock it out for a minute. */
class Throttle {
  private readonly fails = new Map<string, { n: number; until: number }>();
  check(key: string) {
    const f = this.fails.get(key);
    if (f && f.n >= 10 && f.until > Date.now()) {
      throw new AppError('rate_limited', 'too many failed sign-ins; wait a minute', 429);
    }
  }
  fail(key: string) {
    const f = this.fails.get(key);
    const n = f && f.until > Date.now() ? f.n + 1 : 1;
    this.fails.set(key, { n, until: Date.now() + 60_000 });
    if (this.fails.size > 10_000) this.fails.clear();
  }
  ok(key: string) {
    this.fails.delete(key);
  }
}

function clientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

export function mountSession(app: Hono, deps: Deps, model: string): void {
  const token = deps.config.web.authToken;
  const throttle = new Throttle();

  app.get('/api/session', (c) => {
    const user = c.get('webUser') ?? null;
    return c.json({ mode: token ? 'token' : 'local', user, model });
  });

  app.post('/api/session', jsonBody(), async (c) => {
    if (!token) return c.json({ mode: 'local', user: LOCAL_USER, model });
    const who = clientAddress(c);
    throttle.check(who);
    const body = SignIn.safeParse(await c.req.json());
    if (!body.success) {
      throw new AppError(
        'invalid_input',
        body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      );
    }
    if (!bearerMatches(`Bearer ${body.data.token}`, token)) {
      throttle.fail(who);
      throw new AppError('unauthorized', 'that is not the token of this server');
    }
    throttle.ok(who);
    const secret = randomBytes(32).toString('base64url');
    await deps.web.createSession(secret, body.data.name, deps.config.web.sessionTtlMs);
    setCookie(c, SESSION_COOKIE, secret, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      secure: new URL(c.req.url).protocol === 'https:',
      maxAge: Math.floor(deps.config.web.sessionTtlMs / 1000),
    });
    deps.log.info({ user: body.data.name }, 'web sign-in');
    return c.json({ mode: 'token', user: body.data.name, model });
  });

  app.delete('/api/session', async (c) => {
    const secret = getCookie(c, SESSION_COOKIE);
    if (secret && /^[A-Za-z0-9_-]{20,100}$/.test(secret)) await deps.web.endSession(secret);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.json({ mode: token ? 'token' : 'local', user: token ? null : LOCAL_USER, model });
  });
}
