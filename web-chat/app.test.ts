import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestDeps, seedImageAssets, type TestEnv } from '../test/helpers.ts';
import { createApp } from './app.ts';

let env: TestEnv;
beforeEach(async () => {
  env = await makeTestDeps();
});
afterEach(() => env.cleanup());

const seed = (n: number) => seedImageAssets(env.deps, n);

describe('HTTP API', () => {
  it('reports health from the database', async () => {
    const res = await createApp(env.deps).request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('lists assets with a next cursor and serves thumbnails and originals at stable URLs', async () => {
    const ids = await seed(3);
    const app = createApp(env.deps);
    const res = await app.request('/api/assets?limit=2');
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      items: { id: string; thumbnailUrl: string }[];
      next: string;
      total: number;
    };
    expect(body.items).toHaveLength(2);
    expect(body.total).toBe(3);
    expect(body.next).toBeTruthy();
    const page2 = (await (await app.request(`/api/assets?limit=2&cursor=${body.next}`)).json()) as {
      items: unknown[];
      next: null;
    };
    expect(page2.items).toHaveLength(1);
    expect(page2.next).toBeNull();

    const thumbPath = new URL(body.items[0]!.thumbnailUrl).pathname;
    const thumb = await app.request(thumbPath);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const etag = thumb.headers.get('etag')!;
    expect((await app.request(thumbPath, { headers: { 'if-none-match': etag } })).status).toBe(304);
    const orig = await app.request(`/files/assets/${ids[0]}/original`);
    expect(orig.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await orig.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
  });

  it('serves files as data: nosniff, a sandboxing CSP, and SVG originals only as downloads', async () => {
    const [pngId] = await seed(1);
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
    );
    const blob = await env.deps.blobs.put(svg);
    const svgAsset = await env.deps.assets.create({
      contentHash: blob.key,
      originalName: 'logo "mark".svg',
      mime: 'image/svg+xml',
      width: 10,
      height: 10,
      bytes: blob.bytes,
      blobKey: blob.key,
      title: 'Logo',
      description: '',
      keywords: [],
      palette: [],
    });
    const app = createApp(env.deps);
    for (const path of [`/files/assets/${pngId}/original`, `/files/assets/${pngId}/thumb.webp`]) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('content-security-policy'), path).toBe("sandbox; default-src 'none'");
    }
    const png = await app.request(`/files/assets/${pngId}/original`);
    expect(png.headers.get('content-disposition')).toBe('inline; filename="creative-0.png"');
    const res = await app.request(`/files/assets/${svgAsset.id}/original`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expect(res.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="logo _mark_.svg"');
  });

  it('answers bad requests with JSON errors, never a crash', async () => {
    const app = createApp(env.deps);
    const tooMany = await app.request('/api/assets?limit=1000');
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { error: { message: string } }).error.message).toMatch(
      /limit/,
    );
    const missing = await app.request('/api/assets/nosuchasset1234');
    expect(missing.status).toBe(404);
    const badId = await app.request('/api/assets/..%2F..%2Fetc');
    expect(badId.status).toBe(400);
    const badStatus = await app.request('/api/assets?status=bogus');
    expect(badStatus.status).toBe(400);
    const badFile = await app.request('/files/assets/abc123/passwd');
    expect(badFile.status).toBe(404);
  });
});
