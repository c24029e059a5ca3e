// Fetching an image by URL without becoming an SSRF proxy: http(s) only, every connection goes to an
// address checked AFTER DNS resolution (the socket is pinned to that address, so DNS rebinding cannot
// swap it), redirects are followed by hand and each hop is checked again, and size and time are capped.
import dns from 'node:dns/promises';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, buildConnector, request } from 'undici';
import type { Config } from '../core/config.ts';
import { AppError, isAppError } from '../core/errors.ts';
import { formatBytes } from './bytes.ts';

export type UrlFetchConfig = Config['urlFetch'];

export interface Fetched {
  data: Buffer;
  /** The URL the bytes finally came from, after redirects. */
  url: string;
  contentType?: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const RANGE_LABEL: Record<string, string> = {
  loopback: 'loopback',
  private: 'private',
  linkLocal: 'link-local',
  unspecified: 'unspecified',
  uniqueLocal: 'private (unique local)',
  carrierGradeNat: 'carrier-grade NAT',
  multicast: 'multicast',
  broadcast: 'broadcast',
  reserved: 'reserved',
};

const refuse = (msg: string) => new AppError('rejected', msg, 400);
const bare = (host: string) => host.replace(/^\[|\]$/g, '').toLowerCase();

interface AllowEntry {
  host: string;
  port?: number;
}

/** Entries are "host", "host:port", "[v6]:port", a bare IPv6 address, or "*.example.com". */
export function parseAllowList(list: readonly string[]): AllowEntry[] {
  return list.flatMap((raw) => {
    const e = raw.trim().toLowerCase();
    if (!e) return [];
    const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(e);
    if (v6) return [{ host: v6[1]!, port: v6[2] ? Number(v6[2]) : undefined }];
    if (e.split(':').length > 2) return [{ host: e }];
    const [host, port] = e.split(':');
    return [{ host: host!, port: port ? Number(port) : undefined }];
  });
}

export function isAllowedHost(
  allow: readonly AllowEntry[],
  hostname: string,
  port: number,
): boolean {
  const host = bare(hostname);
  return allow.some((a) => {
    if (a.port !== undefined && a.port !== port) return false;
    if (a.host.startsWith('*.')) return host.endsWith(a.host.slice(1));
    return a.host === host;
  });
}

/** Throws unless the address is ordinary public unicast. IPv4-mapped IPv6 is judged as IPv4. */
export function checkPublicAddress(address: string, host = address): void {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.parse(address);
  } catch {
    throw refuse(`refused ${host}: ${address} is not a valid IP address`);
  }
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    addr = (addr as ipaddr.IPv6).toIPv4Address();
  }
  const range = addr.range();
  if (range !== 'unicast') {
    const label = RANGE_LABEL[range] ?? `non-public (${range})`;
    const what = host === address ? address : `${host} (${address})`;
    throw refuse(`refused ${what}: ${label} address; add the host to URL_ALLOW_HOSTS to allow it`);
  }
}

/** Resolves a host name and checks every address it has; returns the one to connect to. */
async function resolvePublic(host: string): Promise<string> {
  if (net.isIP(host)) {
    checkPublicAddress(host);
    return host;
  }
  let addrs: { address: string }[];
  try {
    addrs = await dns.lookup(host, { all: true, verbatim: true });
  } catch (e) {
    throw refuse(
      `cannot resolve host ${host} (${(e as NodeJS.ErrnoException).code ?? 'DNS error'})`,
    );
  }
  if (addrs.length === 0) throw refuse(`cannot resolve host ${host}`);
  for (const a of addrs) checkPublicAddress(a.address, host);
  return addrs[0]!.address;
}

const defaultPort = (protocol: string) => (protocol === 'https:' ? 443 : 80);

/**
 * An undici connector that resolves and checks the host itself, then connects to that exact address
 * (TLS still verifies the certificate against the original name via SNI/servername).
 */
function guardedConnector(
  allow: readonly AllowEntry[],
  timeoutMs: number,
): buildConnector.connector {
  const base = buildConnector({ timeout: timeoutMs });
  return (options, callback) => {
    const host = bare(options.hostname);
    const port = Number(options.port) || defaultPort(options.protocol);
    if (isAllowedHost(allow, host, port)) {
      base(options, callback);
      return;
    }
    resolvePublic(host).then(
      (address) =>
        base(
          {
            ...options,
            hostname: address,
            servername: options.servername ?? (net.isIP(host) ? undefined : host),
          },
          callback,
        ),
      (e: Error) => callback(e, null),
    );
  };
}

function parseHttpUrl(raw: string | URL, base?: URL): URL {
  let u: URL;
  try {
    u = new URL(raw, base);
  } catch {
    throw refuse(`not a valid URL: ${String(raw).slice(0, 200)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw refuse(`only http and https URLs can be fetched, not ${u.protocol.replace(/:$/, '')}:`);
  }
  return u;
}

/** Unwraps undici's wrappers to find our own refusal, if that is what stopped the request. */
function findAppError(e: unknown, depth = 0): AppError | undefined {
  if (!e || depth > 4) return undefined;
  if (isAppError(e)) return e;
  const err = e as { cause?: unknown; errors?: unknown[] };
  return (
    findAppError(err.cause, depth + 1) ??
    err.errors?.map((x) => findAppError(x, depth + 1)).find(Boolean)
  );
}

export async function fetchUrl(
  rawUrl: string,
  cfg: UrlFetchConfig,
  opts: { signal?: AbortSignal } = {},
): Promise<Fetched> {
  const allow = parseAllowList(cfg.allowHosts);
  const timeout = AbortSignal.timeout(cfg.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const agent = new Agent({
    connect: guardedConnector(allow, cfg.timeoutMs),
    headersTimeout: cfg.timeoutMs,
    bodyTimeout: cfg.timeoutMs,
  });
  let url = parseHttpUrl(rawUrl);
  try {
    for (let hop = 0; ; hop++) {
      const port = Number(url.port) || defaultPort(url.protocol);
      // Literal addresses are refused here, before undici is even asked to connect.
      if (net.isIP(bare(url.hostname)) && !isAllowedHost(allow, url.hostname, port)) {
        checkPublicAddress(bare(url.hostname));
      }
      let res: Awaited<ReturnType<typeof request>>;
      try {
        res = await request(url, {
          method: 'GET',
          dispatcher: agent,
          signal,
          headers: { 'user-agent': 'Curator-ingest/0.1', accept: 'image/*;q=0.9,*/*;q=0.5' },
        });
      } catch (e) {
        const own = findAppError(e);
        if (own) throw own;
        if (timeout.aborted)
          throw refuse(`timed out after ${cfg.timeoutMs} ms fetching ${url.href}`);
        const code = (e as NodeJS.ErrnoException).code;
        throw refuse(`cannot fetch ${url.href}: ${code ?? (e as Error).message}`);
      }
      if (REDIRECTS.has(res.statusCode)) {
        await res.body.dump();
        const location = res.headers.location;
        const loc = Array.isArray(location) ? location[0] : location;
        if (!loc) throw refuse(`HTTP ${res.statusCode} from ${url.href} without a Location header`);
        if (hop >= cfg.maxRedirects)
          throw refuse(`too many redirects (more than ${cfg.maxRedirects}) from ${rawUrl}`);
        const next = parseHttpUrl(loc, url);
        url = next;
        continue;
      }
      if (res.statusCode < 200 || res.statusCode >= 300) {
        await res.body.dump();
        throw refuse(`HTTP ${res.statusCode} from ${url.href}`);
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > cfg.maxBytes) {
        res.body.destroy();
        throw refuse(
          `download too large: ${formatBytes(declared)} exceeds the ${formatBytes(cfg.maxBytes)} limit`,
        );
      }
      const chunks: Buffer[] = [];
      let size = 0;
      try {
        for await (const chunk of res.body) {
          size += (chunk as Buffer).length;
          if (size > cfg.maxBytes) {
            res.body.destroy();
            throw refuse(`download too large: more than the ${formatBytes(cfg.maxBytes)} limit`);
          }
          chunks.push(chunk as Buffer);
        }
      } catch (e) {
        if (isAppError(e)) throw e;
        if (timeout.aborted)
          throw refuse(`timed out after ${cfg.timeoutMs} ms fetching ${url.href}`);
        throw refuse(`download of ${url.href} failed: ${(e as Error).message}`);
      }
      const ct = res.headers['content-type'];
      return {
        data: Buffer.concat(chunks),
        url: url.href,
        contentType: Array.isArray(ct) ? ct[0] : ct,
      };
    }
  } finally {
    await agent.destroy().catch(() => {});
  }
}
