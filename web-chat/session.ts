// Who is on the other end of the browser. Without WEB_AUTH_TOKEN or WEB_USERS the server is a
// single person's, on loopback (`curator serve` refuses anything else then), and everyone is
// "local". With WEB_USERS, a person signs in with their own token, which names them: that identity
// is what ownership and the approver group rest on. With the shared WEB_AUTH_TOKEN, whoever holds
// it signs in under a name they give: conversations are kept apart by it, but it is not proof of
// who they are, so such a session never counts as a member of APPROVERS. Either way the browser gets
// an HttpOnly session cookie, and API clients may send a token as a bearer instead. Every route but
// health, the page, sign-in and the routes with their own tokens (MCP, approvals, performance
// import) needs one or the other.
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
    /** Whether a personal token (or the single local user) vouches for webUser. */
    webVerified: boolean | undefined;
  }
}

/** Names a shared-token sign-in may not take: the bearer client's, the local user's. */
const RESERVED = new Set(['api', 'local']);

/** Whether this request's person is vouched for by a personal token (or is the local user). */
export function webVerified(c: Context): boolean {
  return c.get('webVerified') === true;
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
    p.startsWith('/api/performance/') ||
    // Slack's own requests: Bolt checks their signature.
    p === '/slack/events'
  );
}

/** DELIVERY_PUBLIC=true: renditions of approved assets at /r/… are for anyone (a site's images). */
const publicDelivery = (deps: Deps, p: string) =>
  deps.config.renditions.publicDelivery && p.startsWith('/r/');

/** Whether the web surface needs a sign-in (a shared or a personal token is configured). */
export const signInRequired = (config: Deps['config']) =>
  !!config.web.authToken || config.web.users.length > 0;

export function webAuth(deps: Deps): MiddlewareHandler {
  return async (c, next) => {
    if (!signInRequired(deps.config)) {
      c.set('webUser', LOCAL_USER);
      c.set('webVerified', true);
      return next();
    }
    const who = await signedIn(c, deps);
    // A signed URL (a thumbnail or chart handed to Slack) is its own permission, for reading.
    const signed =
      (c.req.method === 'GET' || c.req.method === 'HEAD') &&
      /^\/(?:files|charts|r)\//.test(c.req.path) &&
      deps.signer.verify(new URL(c.req.url));
    if (who) {
      c.set('webUser', who.user);
      c.set('webVerified', who.verified);
    } else if (!exempt(c.req.path) && !signed && !publicDelivery(deps, c.req.path)) {
      throw new AppError(
        'unauthorized',
        'sign in at / first, or send Authorization: Bearer <your token>',
      );
    }
    return next();
  };
}

/** The person a token names: a personal token names its owner, the shared one names no one. */
function tokenUser(deps: Deps, presented: string): { user?: string; verified: boolean } | null {
  const bearer = `Bearer ${presented}`;
  // Every entry is compared, so the time taken does not say which one matched.
  let found: string | undefined;
  for (const u of deps.config.web.users) if (bearerMatches(bearer, u.token)) found ??= u.name;
  if (found) return { user: found, verified: true };
  const shared = deps.config.web.authToken;
  return shared && bearerMatches(bearer, shared) ? { verified: false } : null;
}

async function signedIn(
  c: Context,
  deps: Deps,
): Promise<{ user: string; verified: boolean } | null> {
  const auth = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]?.trim();
  if (auth) {
    const t = tokenUser(deps, auth);
    if (t) return { user: t.user ?? 'api', verified: t.verified };
  }
  const secret = getCookie(c, SESSION_COOKIE);
  if (!secret || !/^[A-Za-z0-9_-]{20,100}$/.test(secret)) return null;
  return deps.web.sessionUser(secret);
}

const SignIn = z.object({
  token: z.string().min(1).max(500),
  /** Only with the shared token: a personal one already says who this is. */
  name: z
    .string()
    .trim()
    .max(60)
    .regex(/^(?:[\p{L}\p{N}][\p{L}\p{N} ._@-]*)?$/u, 'letters, digits, spaces and . _ @ - only')
    .optional(),
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
    // Re-inserted, so the map stays ordered by last failure and the oldest go first when full.
    this.fails.delete(key);
    this.fails.set(key, { n, until: Date.now() + 60_000 });
    for (const k of this.fails.keys()) {
      if (this.fails.size <= 10_000) break;
      this.fails.delete(k);
    }
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
  const throttle = new Throttle();
  const mode = () => (signInRequired(deps.config) ? 'token' : 'local');
  const info = (user: string | null, verified = false) => ({
    mode: mode(),
    user,
    model,
    /** Whether this person decides others' actions (a member of APPROVERS, vouched for). */
    approver: !!user && verified && deps.config.approvals.approvers.includes(user),
    /** What the sign-in form asks for: a personal token alone, or the shared one and a name. */
    signIn: {
      personal: deps.config.web.users.length > 0,
      shared: !!deps.config.web.authToken,
    },
  });

  app.get('/api/session', (c) =>
    c.json(info(c.get('webUser') ?? null, c.get('webVerified') === true)),
  );

  app.post('/api/session', jsonBody(), async (c) => {
    if (!signInRequired(deps.config)) return c.json(info(LOCAL_USER, true));
    const who = clientAddress(c);
    throttle.check(who);
    const body = SignIn.safeParse(await c.req.json());
    if (!body.success) {
      throw new AppError(
        'invalid_input',
        body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      );
    }
    const t = tokenUser(deps, body.data.token);
    if (!t) {
      throttle.fail(who);
      throw new AppError('unauthorized', 'that is not a token of this server');
    }
    throttle.ok(who);
    let user = t.user;
    if (!user) {
      const name = body.data.name?.trim();
      if (!name) throw new AppError('invalid_input', 'name: say who you are');
      const taken =
        RESERVED.has(name.toLowerCase()) ||
        deps.config.web.users.some((u) => u.name.toLowerCase() === name.toLowerCase());
      if (taken) {
        throw new AppError('forbidden', `"${name}" is reserved: sign in with your own token`);
      }
      user = name;
    }
    const secret = randomBytes(32).toString('base64url');
    await deps.web.createSession(secret, user, deps.config.web.sessionTtlMs, t.verified);
    const https =
      new URL(c.req.url).protocol === 'https:' ||
      c.req.header('x-forwarded-proto') === 'https' ||
      (deps.config.http.publicUrl?.startsWith('https:') ?? false);
    setCookie(c, SESSION_COOKIE, secret, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      secure: https,
      maxAge: Math.floor(deps.config.web.sessionTtlMs / 1000),
    });
    deps.log.info({ user, personal: t.verified }, 'web sign-in');
    return c.json(info(user, t.verified));
  });

  app.delete('/api/session', async (c) => {
    const secret = getCookie(c, SESSION_COOKIE);
    if (secret && /^[A-Za-z0-9_-]{20,100}$/.test(secret)) await deps.web.endSession(secret);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.json(info(signInRequired(deps.config) ? null : LOCAL_USER, true));
  });
}
