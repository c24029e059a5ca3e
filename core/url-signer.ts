// Signed, expiring URLs for the files and charts a chat service fetches itself (Slack's servers
// load image blocks from PUBLIC_URL without any session). The signature is an HMAC over the path
// and query and the expiry, with a key kept in DATA_DIR (made on first use, readable by the owner
// only), so a URL cannot be altered to reach another file, and stops working when it expires.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const SIGNED_TTL_MS = 7 * 24 * 3_600_000;

export class UrlSigner {
  private key: Buffer | undefined;
  /** `file`: where the key lives; read (or made) on first use, so a server that signs nothing writes nothing. */
  private constructor(
    private readonly file: string | null,
    key?: Buffer,
  ) {
    this.key = key;
  }

  static inDataDir(dataDir: string): UrlSigner {
    return new UrlSigner(path.join(dataDir, 'secrets', 'url-signing.key'));
  }

  static forTests(): UrlSigner {
    return new UrlSigner(null, randomBytes(32));
  }

  private secret(create: boolean): Buffer | undefined {
    if (this.key || !this.file) return this.key;
    try {
      const k = readFileSync(this.file);
      if (k.length >= 32) this.key = k;
    } catch {
      // Not made yet.
    }
    if (!this.key && create) {
      const k = randomBytes(32);
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileSync(this.file, k, { mode: 0o600 });
      try {
        chmodSync(this.file, 0o600);
      } catch {
        // Best effort on file systems without modes.
      }
      this.key = k;
    }
    return this.key;
  }

  private mac(key: Buffer, pathAndQuery: string, exp: number): Buffer {
    return createHmac('sha256', key).update(`${exp}\n${pathAndQuery}`).digest();
  }

  /** `pathAndQuery` ("/files/assets/x/thumb.png") with `exp` and `sig` appended. */
  sign(pathAndQuery: string, ttlMs = SIGNED_TTL_MS, now = Date.now()): string {
    const exp = Math.floor((now + ttlMs) / 1000);
    const sig = this.mac(this.secret(true)!, pathAndQuery, exp).toString('base64url');
    return `${pathAndQuery}${pathAndQuery.includes('?') ? '&' : '?'}exp=${exp}&sig=${sig}`;
  }

  /** Whether a request URL carries a valid, unexpired signature for its own path and query. */
  verify(url: URL, now = Date.now()): boolean {
    // Checked on the raw text: the signature covers the exact bytes that were signed.
    const m = /^(.*?)[?&]exp=(\d{1,12})&sig=([A-Za-z0-9_-]{20,100})$/.exec(
      `${url.pathname}${url.search}`,
    );
    if (!m) return false;
    const exp = Number(m[2]);
    if (exp * 1000 < now) return false;
    // No key yet: nothing was ever signed here.
    const key = this.secret(false);
    if (!key) return false;
    const expected = this.mac(key, m[1]!, exp);
    const given = Buffer.from(m[3]!, 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
