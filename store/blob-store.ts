// Content-addressed blobs: key = sha256 of the bytes. Writes are atomic (temp file, fsync, rename),
// so a crash leaves either the whole blob or nothing. An S3-compatible store can implement BlobStore.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { AppError } from '../core/errors.ts';

export interface BlobInfo {
  key: string;
  bytes: number;
}

export interface BlobStore {
  put(data: Buffer): Promise<BlobInfo>;
  get(key: string): Promise<Buffer>;
  stream(key: string): Promise<Readable>;
  has(key: string): Promise<boolean>;
  size(key: string): Promise<number>;
}

/** Temp file, fsync, rename: readers see the old file or the whole new one, never a part. */
export async function writeFileAtomic(file: string, data: Buffer | string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const fh = await open(tmp, 'wx');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const KEY = /^[0-9a-f]{64}$/;

export class FsBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    if (!KEY.test(key)) throw new AppError('invalid_input', `not a blob key: ${key}`);
    return path.join(this.root, key.slice(0, 2), key.slice(2, 4), key);
  }

  async put(data: Buffer): Promise<BlobInfo> {
    const key = sha256(data);
    const file = this.pathOf(key);
    if (await this.has(key)) return { key, bytes: data.length };
    await writeFileAtomic(file, data);
    return { key, bytes: data.length };
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await readFile(this.pathOf(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT')
        throw new AppError('not_found', `blob ${key} not found`);
      throw e;
    }
  }

  async stream(key: string): Promise<Readable> {
    const p = this.pathOf(key);
    await this.size(key);
    return createReadStream(p);
  }

  async has(key: string): Promise<boolean> {
    try {
      await stat(this.pathOf(key));
      return true;
    } catch {
      return false;
    }
  }

  async size(key: string): Promise<number> {
    try {
      return (await stat(this.pathOf(key))).size;
    } catch {
      throw new AppError('not_found', `blob ${key} not found`);
    }
  }
}
