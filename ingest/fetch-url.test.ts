import dns from 'node:dns/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { solid } from '../vision/test-fixtures.ts';
import {
  checkPublicAddress,
  fetchUrl,
  isAllowedHost,
  parseAllowList,
  type UrlFetchConfig,
} from './fetch-url.ts';

let png: Buffer;
let server: http.Server;
let port: number;
// A second local server that must never be reached: redirects to it are refused.
let forbidden: http.Server;
let forbiddenPort: number;
let forbiddenHits = 0;

const listen = (s: http.Server) =>
  new Promise<number>((resolve) =>
    s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)),
  );

beforeAll(async () => {
  png = await solid('#2a9d8f', 64, 48);
  server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    switch (u.pathname) {
      case '/img.png':
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length }).end(png);
        return;
      case '/hop':
        res.writeHead(302, { location: '/img.png' }).end();
        return;
      case '/to-localhost':
        res.writeHead(302, { location: `http://localhost:${port}/img.png` }).end();
        return;
      case '/to-other-port':
        res.writeHead(301, { location: `http://127.0.0.1:${forbiddenPort}/secret` }).end();
        return;
      case '/to-metadata':
        res.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
        return;
      case '/to-file':
        res.writeHead(302, { location: 'file:///etc/passwd' }).end();
        return;
      case '/loop':
        res.writeHead(302, { location: '/loop' }).end();
        return;
      case '/huge':
        res.writeHead(200, { 'content-length': String(50 * 2 ** 20) });
        res.write(Buffer.alloc(1024));
        return; // never finishes; the client must give up on the declared size
      case '/chunked-huge': {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(64 * 1024);
        let sent = 0;
        const pump = () => {
          while (sent < 8 * 2 ** 20 && res.write(chunk)) sent += chunk.length;
          if (sent < 8 * 2 ** 20) res.once('drain', pump);
          else res.end();
        };
        pump();
        return;
      }
      case '/slow':
        return; // never answers
      case '/missing':
        res.writeHead(404).end('nope');
        return;
      default:
        res.writeHead(500).end();
    }
  });
  port = await listen(server);
  forbidden = http.createServer((_req, res) => {
    forbiddenHits++;
    res.end('secret');
  });
  forbiddenPort = await listen(forbidden);
});

afterAll(async () => {
  server.closeAllConnections();
  forbidden.closeAllConnections();
  await Promise.all([server, forbidden].map((s) => new Promise((r) => s.close(r))));
});

afterEach(() => {
  vi.restoreAllMocks();
});

const cfg = (over: Partial<UrlFetchConfig> = {}): UrlFetchConfig => ({
  timeoutMs: 3000,
  maxBytes: 1 << 20,
  maxRedirects: 3,
  allowHosts: [`127.0.0.1:${port}`],
  ...over,
});

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect((e as { code?: string }).code).toBe('rejected');
    return (e as Error).message;
  }
  throw new Error('expected the fetch to be refused');
}

describe('fetchUrl', () => {
  it('fetches from an allow-listed host, following a redirect', async () => {
    const r = await fetchUrl(`http://127.0.0.1:${port}/hop`, cfg());
    expect(r.data.equals(png)).toBe(true);
    expect(r.url).toBe(`http://127.0.0.1:${port}/img.png`);
    expect(r.contentType).toBe('image/png');
  });

  it('refuses loopback when it is not allow-listed', async () => {
    const r = await refusal(fetchUrl(`http://127.0.0.1:${port}/img.png`, cfg({ allowHosts: [] })));
    expect(r).toMatch(/^refused 127\.0\.0\.1: loopback address/);
  });

  it.each([
    ['http://10.0.0.1/a.jpg', /10\.0\.0\.1: private address/],
    ['http://192.168.1.20:8080/a.jpg', /192\.168\.1\.20: private address/],
    ['http://172.16.5.4/a.jpg', /private address/],
    ['http://169.254.169.254/latest/meta-data/', /link-local address/],
    ['http://0.0.0.0/', /unspecified address/],
    ['http://[::1]/', /loopback address/],
    ['http://[fd00::1]/', /unique local/],
    ['http://[::ffff:10.1.2.3]/', /private address/],
    ['http://100.64.0.1/', /carrier-grade NAT/],
  ])('refuses %s before any connection is made', async (url, why) => {
    const connect = vi.spyOn(net.Socket.prototype, 'connect');
    expect(await refusal(fetchUrl(url, cfg()))).toMatch(why);
    expect(connect).not.toHaveBeenCalled();
  });

  it('checks the address a name resolves to, not the name', async () => {
    const connect = vi.spyOn(net.Socket.prototype, 'connect');
    // A public-looking name that resolves to a private address (the DNS-rebinding shape).
    vi.spyOn(dns, 'lookup').mockResolvedValue([{ address: '10.20.30.40', family: 4 }] as never);
    const r = await refusal(fetchUrl('http://images.example.com/cat.jpg', cfg()));
    expect(r).toMatch(/images\.example\.com \(10\.20\.30\.40\): private address/);
    expect(connect).not.toHaveBeenCalled();
  });

  it('refuses a name with any private address among its answers', async () => {
    vi.spyOn(dns, 'lookup').mockResolvedValue([
      { address: '93.184.215.14', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ] as never);
    expect(await refusal(fetchUrl('http://mixed.example.com/', cfg()))).toMatch(/loopback/);
  });

  it('refuses a redirect to loopback by name (only the first hop is allow-listed)', async () => {
    const r = await refusal(fetchUrl(`http://127.0.0.1:${port}/to-localhost`, cfg()));
    expect(r).toMatch(/^refused localhost \((127\.0\.0\.1|::1)\): loopback address/);
  });

  it('refuses a redirect to another loopback port and never reaches it', async () => {
    const r = await refusal(fetchUrl(`http://127.0.0.1:${port}/to-other-port`, cfg()));
    expect(r).toMatch(/^refused 127\.0\.0\.1: loopback address/);
    expect(forbiddenHits).toBe(0);
  });

  it('refuses redirects to link-local metadata endpoints and to non-http schemes', async () => {
    expect(await refusal(fetchUrl(`http://127.0.0.1:${port}/to-metadata`, cfg()))).toMatch(
      /link-local/,
    );
    expect(await refusal(fetchUrl(`http://127.0.0.1:${port}/to-file`, cfg()))).toMatch(
      /only http and https URLs can be fetched, not file:/,
    );
  });

  it('stops after the redirect limit', async () => {
    expect(await refusal(fetchUrl(`http://127.0.0.1:${port}/loop`, cfg()))).toMatch(
      /too many redirects \(more than 3\)/,
    );
  });

  it('caps the size by header and by bytes actually received', async () => {
    expect(await refusal(fetchUrl(`http://127.0.0.1:${port}/huge`, cfg()))).toMatch(
      /download too large: 50 MB exceeds the 1 MB limit/,
    );
    expect(await refusal(fetchUrl(`http://127.0.0.1:${port}/chunked-huge`, cfg()))).toMatch(
      /download too large: more than the 1 MB limit/,
    );
  });

  it('times out', async () => {
    const t0 = performance.now();
    expect(
      await refusal(fetchUrl(`http://127.0.0.1:${port}/slow`, cfg({ timeoutMs: 300 }))),
    ).toMatch(/timed out after 300 ms/);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('reports HTTP errors and non-http URLs', async () => {
    expect(await refusal(fetchUrl(`http://127.0.0.1:${port}/missing`, cfg()))).toMatch(
      /^HTTP 404 from/,
    );
    expect(await refusal(fetchUrl('ftp://example.com/a.jpg', cfg()))).toMatch(/not ftp:/);
    expect(await refusal(fetchUrl('file:///etc/passwd', cfg()))).toMatch(/not file:/);
  });
});

describe('allow-list', () => {
  it('matches host, host:port, IPv6 and wildcard entries', () => {
    const allow = parseAllowList([
      'cdn.example.com',
      '127.0.0.1:8080',
      '[::1]:9000',
      '*.assets.example.org',
    ]);
    expect(isAllowedHost(allow, 'CDN.example.com', 443)).toBe(true);
    expect(isAllowedHost(allow, '127.0.0.1', 8080)).toBe(true);
    expect(isAllowedHost(allow, '127.0.0.1', 8081)).toBe(false);
    expect(isAllowedHost(allow, '[::1]', 9000)).toBe(true);
    expect(isAllowedHost(allow, 'img.assets.example.org', 80)).toBe(true);
    expect(isAllowedHost(allow, 'assets.example.org.evil.com', 80)).toBe(false);
  });

  it('judges IPv4-mapped IPv6 as IPv4 and lets public unicast through', () => {
    expect(() => checkPublicAddress('::ffff:127.0.0.1')).toThrow(/loopback/);
    expect(() => checkPublicAddress('93.184.215.14')).not.toThrow();
    expect(() => checkPublicAddress('2606:4700::6810:85e5')).not.toThrow();
  });
});
