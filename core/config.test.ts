import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { AppError } from './errors.ts';

describe('loadConfig', () => {
  it('uses embedded defaults: ./data, surrealkv:// under it, 127.0.0.1:3000', () => {
    const c = loadConfig({});
    expect(c.dataDir).toMatch(/data$/);
    expect(c.surreal.url).toBe(`surrealkv://${c.dataDir}/db`);
    expect(c.http).toMatchObject({ host: '127.0.0.1', port: 3000 });
    expect(c.limits.maxPixels).toBe(100_000_000);
  });

  it('names the variable and what is allowed when a value is wrong', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    const msg = (err as AppError).message;
    expect(msg).toMatch(/PORT="eighty"/);
    expect(msg).toMatch(/LOG_LEVEL="loud".*(fatal|info)/);
    expect((err as AppError).details?.variables).toEqual(
      expect.arrayContaining(['PORT', 'LOG_LEVEL']),
    );
  });

  it('rejects an unknown database scheme and a short MCP token', () => {
    expect(() => loadConfig({ SURREAL_URL: 'postgres://x' })).toThrow(/SURREAL_URL/);
    expect(() => loadConfig({ MCP_TOKEN: 'short' })).toThrow(/MCP_TOKEN.*16/);
  });

  it('treats empty strings as unset and parses lists', () => {
    const c = loadConfig({
      PORT: '',
      URL_ALLOW_HOSTS: 'a.example, 127.0.0.1:8080 ,',
      MAX_PIXELS_MP: '2.5',
    });
    expect(c.http.port).toBe(3000);
    expect(c.urlFetch.allowHosts).toEqual(['a.example', '127.0.0.1:8080']);
    expect(c.limits.maxPixels).toBe(2_500_000);
  });
});
