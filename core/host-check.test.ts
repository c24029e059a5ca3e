import { describe, expect, it } from 'vitest';
import { hostAllowed, originAllowed, splitHost } from './host-check.ts';

describe('Host and Origin checks', () => {
  const config = {
    http: { host: '127.0.0.1', port: 3000 },
    mcp: { allowedHosts: ['mcp.example.com:8443'], allowedOrigins: [] },
  } as unknown as Parameters<typeof hostAllowed>[1];

  it('parses IPv6 and ported hosts', () => {
    expect(splitHost('[::1]:3000')).toEqual({ hostname: '[::1]', port: '3000' });
    expect(splitHost('LocalHost')).toEqual({ hostname: 'localhost', port: '' });
  });

  it('allows loopback and configured host:port only', () => {
    expect(hostAllowed('[::1]:3000', config)).toBe(true);
    expect(hostAllowed('mcp.example.com:8443', config)).toBe(true);
    expect(hostAllowed('mcp.example.com:9999', config)).toBe(false);
    expect(hostAllowed('localhost.evil.example', config)).toBe(false);
    expect(hostAllowed(undefined, config)).toBe(false);
  });

  it('rejects opaque and foreign origins', () => {
    expect(originAllowed('null', config)).toBe(false);
    expect(originAllowed('file://x', config)).toBe(false);
    expect(originAllowed('https://evil.example', config)).toBe(false);
    expect(originAllowed(undefined, config)).toBe(true);
  });

  it('treats an Origin naming the host the request came to as same-origin', () => {
    const bound = { ...config, http: { host: '10.0.0.5', port: 3000 } } as typeof config;
    expect(hostAllowed('10.0.0.5:3000', bound)).toBe(true);
    expect(originAllowed('http://10.0.0.5:3000', bound, '10.0.0.5:3000')).toBe(true);
    expect(originAllowed('http://10.0.0.5:3000', bound)).toBe(false);
    expect(originAllowed('http://evil.example', bound, '10.0.0.5:3000')).toBe(false);
  });
});
