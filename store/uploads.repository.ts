// Images people upload to ask about (find-similar now, brand checks later): the bytes live in the
// blob store under their content hash, the record says who sent them and what they are. An upload
// is not an asset: it is never listed, searched or placed.
import type { Surreal } from 'surrealdb';
import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import { newId, parseKey, rid, zKey, zTime } from './ids.ts';

export interface UploadRecord {
  id: string;
  owner: string;
  blobKey: string;
  mime: string;
  bytes: number;
  name: string;
  width: number;
  height: number;
  createdAt: string;
}

const Row = z.object({
  id: zKey,
  owner: z.string(),
  blob_key: z.string(),
  mime: z.string(),
  bytes: z.number().int(),
  name: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  created_at: zTime,
});

const toRecord = (r: z.infer<typeof Row>): UploadRecord => ({
  id: r.id,
  owner: r.owner,
  blobKey: r.blob_key,
  mime: r.mime,
  bytes: r.bytes,
  name: r.name,
  width: r.width,
  height: r.height,
  createdAt: r.created_at,
});

/** "upload:abc", "upload://abc" or "abc". */
export function parseUploadId(value: string): string {
  return parseKey('upload', String(value).replace(/^upload:\/\//, 'upload:'));
}

export class UploadsRepository {
  constructor(private readonly db: Surreal) {}

  async create(u: Omit<UploadRecord, 'id' | 'createdAt'>): Promise<UploadRecord> {
    const [rows] = await this.db.query<[unknown[]]>('CREATE $id CONTENT $c RETURN AFTER', {
      id: rid('upload', newId()),
      c: {
        owner: u.owner,
        blob_key: u.blobKey,
        mime: u.mime,
        bytes: u.bytes,
        name: u.name.slice(0, 200),
        width: u.width,
        height: u.height,
        created_at: new Date(),
      },
    });
    const row = Array.isArray(rows) ? rows[0] : rows;
    if (!row) throw new Error('upload was not recorded');
    return toRecord(Row.parse(row));
  }

  async get(id: string): Promise<UploadRecord> {
    const key = parseUploadId(id);
    const [rows] = await this.db.query<[unknown[]]>('SELECT * FROM $id', {
      id: rid('upload', key),
    });
    const row = Array.isArray(rows) ? rows[0] : rows;
    if (!row) throw new AppError('not_found', `no upload ${key}`);
    return toRecord(Row.parse(row));
  }
}
