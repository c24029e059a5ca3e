import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sha256 } from '../store/blob-store.ts';
import { makeTestDeps, rejectionReason, type TestEnv } from '../test/helpers.ts';
import { bombPng, scene, solid, xmpPacket } from '../vision/test-fixtures.ts';
import { ingestBuffer, ingestSources, runIngest } from './ingest.ts';
import { sanitizeName, titleFromName } from './names.ts';

let env: TestEnv;

beforeEach(async () => {
  env = await makeTestDeps();
});

afterEach(async () => {
  vi.restoreAllMocks();
  await env.cleanup();
});

const rejection = rejectionReason;

const listFiles = async (dir: string): Promise<string[]> =>
  (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => e.name);

describe('ingestBuffer', () => {
  it.each(['jpeg', 'png', 'webp'] as const)(
    'ingests a %s with its metadata, blobs and analysis',
    async (format) => {
      const { deps } = env;
      const data = await sharp(await scene(5, { width: 1200, height: 800 }))
        .withExif({ IFD0: { Make: 'Nikon', Model: 'Z 8', Copyright: 'EXIF copyright' } })
        .withXmp(
          xmpPacket({
            title: 'Harbour at dawn',
            creator: 'Ada Lovelace',
            keywords: ['harbour', 'boats'],
          }),
        )
        .toFormat(format)
        .toBuffer();
      const out = await ingestBuffer(deps, data, {
        name: `harbour.${format}`,
        sourceRef: '/photos/harbour',
      });
      expect(out.status).toBe('ingested');
      const a = await deps.assets.get(out.asset.id);
      expect(a).toMatchObject({
        title: 'Harbour at dawn',
        creator: 'Ada Lovelace',
        copyright: 'EXIF copyright',
        keywords: ['harbour', 'boats'],
        mime: `image/${format}`,
        width: 1200,
        height: 800,
        bytes: data.length,
        contentHash: sha256(data),
        originalName: `harbour.${format}`,
        sourceRef: '/photos/harbour',
        capture: { camera: 'Nikon Z 8' },
        composition: { orientation: 'landscape', aspect: 1.5 },
        status: 'draft',
        kind: 'master',
      });
      expect(a.tags).toEqual(
        expect.arrayContaining([{ name: 'harbour', source: 'xmp', confidence: 1 }]),
      );
      expect(a.palette.length).toBeGreaterThan(0);
      expect(a.phash).toMatch(/^[0-9a-f]{16}$/);
      // The original is stored byte for byte; the thumbnail is a 512 px WebP.
      expect((await deps.blobs.get(a.blobKey)).equals(data)).toBe(true);
      const thumb = await sharp(await deps.blobs.get(a.thumbKey!)).metadata();
      expect([thumb.format, thumb.width, thumb.height]).toEqual(['webp', 512, 341]);
    },
  );

  it('uses overrides over embedded metadata and the file name as a last-resort title', async () => {
    const { deps } = env;
    const plain = await ingestBuffer(deps, await solid('#336699'), {
      name: 'summer_sale-hero.png',
    });
    expect(plain.asset.title).toBe('summer sale hero');
    const over = await ingestBuffer(deps, await solid('#996633'), {
      name: 'x.png',
      overrides: {
        title: 'Given',
        keywords: ['k'],
        channel: 'instagram',
        locale: 'fr-FR',
        kind: 'variant',
        status: 'approved',
      },
    });
    expect(over.asset).toMatchObject({
      title: 'Given',
      keywords: ['k'],
      channel: 'instagram',
      locale: 'fr-FR',
      kind: 'variant',
      status: 'approved',
    });
  });

  it('is idempotent: the same bytes twice are one asset; a new file with the same name is a new asset', async () => {
    const { deps } = env;
    const data = await scene(8);
    const first = await ingestBuffer(deps, data, { name: 'a.jpg' });
    const again = await ingestBuffer(deps, Buffer.from(data), { name: 'renamed.jpg' });
    expect(again).toMatchObject({
      status: 'duplicate',
      asset: { id: first.asset.id, originalName: 'a.jpg' },
    });
    const other = await ingestBuffer(deps, await scene(9), { name: 'a.jpg' });
    expect(other.status).toBe('ingested');
    expect(other.asset.id).not.toBe(first.asset.id);
    expect(await deps.assets.count()).toBe(2);
  });

  it('stores a safe basename for path-traversal and control-character names', async () => {
    const { deps } = env;
    const a = await ingestBuffer(deps, await solid('#101010'), { name: '../../etc/passwd.jpg' });
    expect(a.asset.originalName).toBe('passwd.jpg');
    const b = await ingestBuffer(deps, await solid('#202020'), {
      name: '..\\..\\win\\evil\u0000name\n.png',
    });
    expect(b.asset.originalName).toBe('evilname.png');
    const c = await ingestBuffer(deps, await solid('#303030'), { name: '../..' });
    expect(c.asset.originalName).toBe('unnamed');
    // Nothing was written outside the blob store.
    expect((await readdir(env.dir)).sort()).toEqual(['blobs']);
  });

  it.each([
    [
      'a decompression bomb',
      () => bombPng(30000, 30000),
      'pixel limit 100 MP exceeded (30000x30000)',
    ],
    ['a truncated JPEG', async () => (await scene(3)).subarray(0, 4000), 'truncated JPEG'],
    [
      'HTML saved as .jpg',
      async () => Buffer.from('<html><body>hello</body></html>'),
      'not an image: text/html',
    ],
    ['zero bytes', async () => Buffer.alloc(0), 'empty file (0 bytes)'],
    [
      'an SVG with an external entity',
      async () =>
        Buffer.from(
          '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><text>&x;</text></svg>',
        ),
      'unsafe SVG: it declares XML entities (<!ENTITY>), which can read external files',
    ],
  ])('rejects %s with a reason and stores nothing', async (_what, make, reason) => {
    const { deps } = env;
    expect(
      await rejection(ingestBuffer(deps, await make(), { name: 'x.jpg', allowSvg: true })),
    ).toBe(reason);
    expect(await deps.assets.count()).toBe(0);
    expect(await listFiles(env.dir)).toEqual([]);
  });

  it('rejects a file over the size limit', async () => {
    const small = await makeTestDeps({ MAX_FILE_MB: '0.01' });
    try {
      const r = await rejection(
        ingestBuffer(small.deps, await scene(4, { width: 400, height: 300, format: 'png' }), {
          name: 'big.png',
        }),
      );
      expect(r).toMatch(/^file too large: [\d.]+ KB exceeds the 10.2 KB limit$/);
    } finally {
      await small.cleanup();
    }
  });

  it('leaves no record when the record write fails after the blobs, and a retry succeeds', async () => {
    const { deps } = env;
    const data = await scene(21);
    vi.spyOn(deps.assets, 'create').mockRejectedValueOnce(new Error('disk full'));
    await expect(ingestBuffer(deps, data, { name: 'a.jpg' })).rejects.toThrow('disk full');
    expect(await deps.assets.count()).toBe(0);
    expect(await deps.assets.byContentHash(sha256(data))).toBeNull();
    // The blob is there (content-addressed, harmless); the retry reuses it and records the asset.
    expect(await deps.blobs.has(sha256(data))).toBe(true);
    const retry = await ingestBuffer(deps, data, { name: 'a.jpg' });
    expect(retry.status).toBe('ingested');
    expect(await deps.blobs.has(retry.asset.blobKey)).toBe(true);
    expect(await deps.blobs.has(retry.asset.thumbKey!)).toBe(true);
    expect(await deps.assets.count()).toBe(1);
  });

  it('writes no record when the blob store fails', async () => {
    const { deps } = env;
    const create = vi.spyOn(deps.assets, 'create');
    vi.spyOn(deps.blobs, 'put').mockRejectedValue(new Error('EIO: blob volume gone'));
    await expect(ingestBuffer(deps, await scene(22), { name: 'a.jpg' })).rejects.toThrow('EIO');
    expect(create).not.toHaveBeenCalled();
    expect(await deps.assets.count()).toBe(0);
  });

  it('turns losing a race on the same bytes into a duplicate', async () => {
    const { deps } = env;
    const data = await scene(23);
    const results = await Promise.all(
      [1, 2, 3].map(() => ingestBuffer(deps, data, { name: 'same.jpg' })),
    );
    expect(results.filter((r) => r.status === 'ingested')).toHaveLength(1);
    expect(new Set(results.map((r) => r.asset.id)).size).toBe(1);
    expect(await deps.assets.count()).toBe(1);
  });

  it('adds new and duplicate assets to a campaign', async () => {
    const { deps } = env;
    await deps.catalog.upsertCampaign({
      id: 'spring',
      slug: 'spring-2025',
      name: 'Spring 2025',
      status: 'active',
    });
    const data = await scene(24);
    const first = await ingestBuffer(deps, data, { name: 'a.jpg', campaign: 'spring' });
    expect(first.asset.campaigns).toEqual(['spring']);
    await deps.catalog.upsertCampaign({
      id: 'summer',
      slug: 'summer',
      name: 'Summer',
      status: 'active',
    });
    const dup = await ingestBuffer(deps, data, { name: 'a.jpg', campaign: 'summer' });
    expect(dup.status).toBe('duplicate');
    expect(dup.asset.campaigns.sort()).toEqual(['spring', 'summer']);
  });
});

describe('ingestSources', () => {
  it('walks folders, keeps going past bad files and reports each with its reason', async () => {
    const { deps, dir } = env;
    const src = path.join(dir, 'in');
    await mkdir(path.join(src, 'nested', 'deeper'), { recursive: true });
    await mkdir(path.join(src, '.cache'));
    const a = await scene(31);
    await writeFile(path.join(src, 'a.jpg'), a);
    await writeFile(path.join(src, 'nested', 'b.png'), await solid('#aa3300'));
    await writeFile(
      path.join(src, 'nested', 'deeper', 'c.webp'),
      await scene(32, { format: 'webp' }),
    );
    await writeFile(path.join(src, 'bomb.png'), bombPng(30000, 30000));
    await writeFile(path.join(src, 'broken.jpg'), (await scene(33)).subarray(0, 3000));
    await writeFile(path.join(src, 'page.jpg'), '<!doctype html><html></html>');
    await writeFile(path.join(src, 'empty.png'), '');
    await writeFile(path.join(src, '.hidden.jpg'), await scene(34));
    await writeFile(path.join(src, '.cache', 'x.jpg'), await scene(35));
    await writeFile(path.join(src, 'copy-of-a.jpg'), a);
    await symlink('/etc/hostname', path.join(src, 'outside.jpg'));
    await symlink(path.join(src, 'nested', 'b.png'), path.join(src, 'inside-link.png'));

    const progress: number[] = [];
    const report = await ingestSources(deps, [src, path.join(dir, 'missing.jpg')], {
      concurrency: 3,
      onProgress: (done) => progress.push(done),
    });
    const rel = (s: string) => path.relative(src, s);
    // Same bytes under another name, and a symlink to a file inside the folder, are one asset each;
    // which twin wins depends on the workers, so check the pairs.
    const ids = new Map(
      [...report.ingested, ...report.duplicates].map((x) => [rel(x.source), x.id]),
    );
    expect([...ids.keys()].sort()).toEqual([
      'a.jpg',
      'copy-of-a.jpg',
      'inside-link.png',
      'nested/b.png',
      'nested/deeper/c.webp',
    ]);
    expect(ids.get('copy-of-a.jpg')).toBe(ids.get('a.jpg'));
    expect(ids.get('inside-link.png')).toBe(ids.get('nested/b.png'));
    expect(report.ingested).toHaveLength(3);
    expect(report.duplicates).toHaveLength(2);
    expect(
      Object.fromEntries(report.rejected.map((r) => [path.basename(r.source), r.reason])),
    ).toEqual({
      'bomb.png': 'pixel limit 100 MP exceeded (30000x30000)',
      'broken.jpg': 'truncated JPEG',
      'page.jpg': 'not an image: text/html',
      'empty.png': 'empty file (0 bytes)',
      'outside.jpg': 'symlink points outside the folder; not followed',
      'missing.jpg': 'no such file or folder',
    });
    expect(await deps.assets.count()).toBe(3);
    expect(progress.at(-1)).toBe(11);
  });

  it('ingests an allowed URL and refuses private and loopback ones in the same batch', async () => {
    const png = await solid('#e9c46a', 300, 200);
    const server = http.createServer((req, res) => {
      if (req.url === '/poster.png') res.writeHead(200, { 'content-type': 'image/png' }).end(png);
      else
        res
          .writeHead(302, {
            location: `http://localhost:${(server.address() as AddressInfo).port}/poster.png`,
          })
          .end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    const local = await makeTestDeps({ URL_ALLOW_HOSTS: `127.0.0.1:${port}` });
    try {
      const base = `http://127.0.0.1:${port}`;
      const report = await ingestSources(local.deps, [
        `${base}/poster.png`,
        `${base}/bounce`,
        'http://10.0.0.1/a.jpg',
        'http://192.168.0.10/b.jpg',
      ]);
      expect(report.ingested).toHaveLength(1);
      const asset = await local.deps.assets.get(report.ingested[0]!.id);
      expect(asset).toMatchObject({
        originalName: 'poster.png',
        sourceRef: `${base}/poster.png`,
        width: 300,
      });
      expect(report.rejected).toEqual([
        {
          source: `${base}/bounce`,
          reason: expect.stringMatching(/^refused localhost \(.*\): loopback address/),
        },
        { source: 'http://10.0.0.1/a.jpg', reason: expect.stringMatching(/private address/) },
        { source: 'http://192.168.0.10/b.jpg', reason: expect.stringMatching(/private address/) },
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await local.cleanup();
    }
  });

  it('resolves --campaign by slug or name and refuses an unknown one', async () => {
    const { deps, dir } = env;
    await deps.catalog.upsertCampaign({
      id: 'c1',
      slug: 'autumn-25',
      name: 'Autumn Launch',
      status: 'active',
    });
    const file = path.join(dir, 'a.png');
    await writeFile(file, await solid('#445566'));
    const report = await ingestSources(deps, [file], { campaign: 'Autumn Launch' });
    expect((await deps.assets.get(report.ingested[0]!.id)).campaigns).toEqual(['c1']);
    await expect(ingestSources(deps, [file], { campaign: 'nope' })).rejects.toThrow(
      /unknown campaign "nope"/,
    );
  });

  it('counts store failures separately from rejected files', async () => {
    const { deps, dir } = env;
    const file = path.join(dir, 'a.png');
    await writeFile(file, await solid('#445566'));
    vi.spyOn(deps.assets, 'create').mockRejectedValueOnce(new Error('store offline'));
    const run = await runIngest(deps, [file]);
    expect(run.failures).toBe(1);
    expect(run.report.rejected).toEqual([{ source: file, reason: 'failed: store offline' }]);
  });
});

describe('names', () => {
  it('keeps a safe basename', () => {
    expect(sanitizeName('../../etc/passwd.jpg')).toBe('passwd.jpg');
    expect(sanitizeName('C:\\Users\\me\\photo.JPG')).toBe('photo.JPG');
    expect(sanitizeName('.htaccess')).toBe('htaccess');
    expect(sanitizeName('a\u202egpj.exe')).toBe('agpj.exe');
    expect(sanitizeName('')).toBe('unnamed');
    expect(sanitizeName(`${'x'.repeat(300)}.jpeg`)).toMatch(/^x{195}\.jpeg$/);
    expect(titleFromName('spring_hero-01.jpg')).toBe('spring hero 01');
  });
});
