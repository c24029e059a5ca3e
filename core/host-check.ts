// Host and Origin checks against DNS rebinding, shared by every HTTP route (web-chat/host-guard.ts)
// and the MCP endpoint (mcp-server/http.ts). A rebinding page reaches a loopback server under the
// attacker's own domain, so the Host header gives it away; a cross-site page gives itself away by
// its Origin. The config keys keep their MCP_ names (MCP_ALLOWED_HOSTS / MCP_ALLOWED_ORIGINS) but
// cover every route.
import type { Config } from './config.ts';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const WILDCARD = new Set(['0.0.0.0', '[::]']);

type HostConfig = Pick<Config, 'http' | 'mcp'>;

/** "Example.com:8080" → { hostname: "example.com", port: "8080" }; IPv6 keeps its brackets. */
export function splitHost(value: string): { hostname: string; port: string } {
  const v = value.trim().toLowerCase();
  if (v.startsWith('[')) {
    const end = v.indexOf(']');
    if (end < 0) return { hostname: v, port: '' };
    const rest = v.slice(end + 1);
    return { hostname: v.slice(0, end + 1), port: rest.startsWith(':') ? rest.slice(1) : '' };
  }
  const i = v.lastIndexOf(':');
  return i >= 0 ? { hostname: v.slice(0, i), port: v.slice(i + 1) } : { hostname: v, port: '' };
}

/**
 * Host validation: loopback names (any port: an attacker's rebinding page always arrives with its own
 * domain in Host), the address the server is bound to, PUBLIC_URL's host, and MCP_ALLOWED_HOSTS
 * entries ("name" matches any port, "name:port" only that port).
 */
export function hostAllowed(host: string | undefined, config: HostConfig): boolean {
  if (!host) return false;
  const { hostname, port } = splitHost(host);
  if (LOOPBACK.has(hostname)) return true;
  // HOST holds a bare address; an IPv6 one appears in Host headers in brackets.
  const h = config.http.host.toLowerCase();
  const bound = h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
  if (!WILDCARD.has(bound) && hostname === bound) return true;
  const allowed = [...config.mcp.allowedHosts];
  if (config.http.publicUrl) allowed.push(new URL(config.http.publicUrl).host);
  return allowed.some((entry) => {
    const e = splitHost(entry);
    return e.hostname === hostname && (e.port === '' || e.port === port);
  });
}

/**
 * Origin validation: absent (non-browser clients) is fine; otherwise loopback, PUBLIC_URL,
 * MCP_ALLOWED_ORIGINS, or the very host the request came to (`requestHost`, which the caller has
 * already passed through hostAllowed): a page served from an allowed host is same-origin.
 */
export function originAllowed(
  origin: string | undefined,
  config: HostConfig,
  requestHost?: string,
): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (LOOPBACK.has(url.hostname)) return true;
  if (requestHost && url.host === requestHost.trim().toLowerCase()) return true;
  const allowed = [
    ...config.mcp.allowedOrigins,
    ...(config.http.publicUrl ? [config.http.publicUrl] : []),
  ];
  return allowed.some((a) => {
    try {
      return new URL(a).origin === url.origin;
    } catch {
      return false;
    }
  });
}
