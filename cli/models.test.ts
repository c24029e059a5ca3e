import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curator } from '../test/cli.ts';
import { loadClip } from '../vision/clip.ts';
import { writeTinyClip } from '../vision/tiny-clip.ts';
import { pull } from './models.ts';

// A local stand-in for the hub: /<owner>/<name>/resolve/<revision>/<file>, as huggingface.co serves.
let dir: string;
let hub: Server;
let hubUrl: string;
const asked: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'curator-models-'));
  await writeTinyClip(path.join(dir, 'served'));
  hub = createServer(async (req, res) => {
    asked.push(req.url ?? '');
    const m = /^\/curator\/tiny-clip\/resolve\/main\/(.+)$/.exec(req.url ?? '');
    if (!m || m[1]!.includes('..')) {
      res.writeHead(404).end('not found');
      return;
    }
    try {
      const body = await readFile(path.join(dir, 'served', m[1]!));
      res.writeHead(200, { 'content-length': body.length }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((r) => hub.listen(0, '127.0.0.1', r));
  hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  hub.close();
  await rm(dir, { recursive: true, force: true });
});

describe('curator models', () => {
  it('pulls a model from the hub into MODELS_DIR, where it loads', async () => {
    const dest = path.join(dir, 'models', 'tiny');
    const said: string[] = [];
    await pull(hubUrl, 'curator/tiny-clip', 'main', dest, (l) => said.push(l));
    expect(said).toContain('  onnx/text_model.onnx: 0.6 KB');
    expect(asked).toContain('/curator/tiny-clip/resolve/main/onnx/vision_model.onnx');
    const clip = await loadClip(path.join(dir, 'models'), 'tiny');
    expect(clip.dims).toBe(4);
  });

  it('leaves no half model behind when a file is missing on the hub', async () => {
    const dest = path.join(dir, 'models', 'broken');
    await expect(pull(hubUrl, 'curator/other', 'main', dest, () => {})).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/answered 404/),
    });
    await expect(stat(dest)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(
      pull('http://127.0.0.1:9', 'curator/tiny-clip', 'main', dest, () => {}),
    ).rejects.toThrow(/cannot reach http:\/\/127\.0\.0\.1:9/);
  });

  it('says what MODELS_DIR holds and whether the configured model loads', async () => {
    const models = path.join(dir, 'models');
    const ok = await curator(['models', 'status'], { MODELS_DIR: models, CLIP_MODEL: 'tiny' });
    expect(ok.stdout).toMatch(/tiny \(CLIP_MODEL\): present/);
    expect(ok.stdout).toMatch(/clip-vit-base-patch32: missing every file/);
    expect(ok.stdout).toMatch(/CLIP: tiny@[0-9a-f]{8} loads, 4-d/);
    expect(ok.code).toBe(0);
    const none = await curator(['models', 'status'], { MODELS_DIR: path.join(dir, 'empty') });
    expect(none.stdout).toMatch(/CLIP: not available .*curator models pull clip-vit-base-patch32/);
    expect(none.code).toBe(1);
  }, 60_000);
});
