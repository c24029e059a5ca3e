// Signed, expiring URLs for the files and charts a chat service fetches itself (Slack's servers
// load image blocks from PUBLIC_URL without any session). The signature is an HMAC over the path
// and query and the expiry, with a key kept in DATA_DIR (made on first use, readable by the owner
// only), so a URL cannot be altered to reach another file, and stops working when it expires.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const SIGNED_TTL_MS = 7 * 24 * 3_600_000;

export class UrlSigner {
  private constructor(private readonly key: Buffer) {}

  static async open(dataDir: string): Promise<UrlSigner> {
    const file = path.join(dataDir, 'secrets', 'url-signing.key');
    let key = await readFile(file).catch(() => null);
    if (!key || key.length < 32) {
      key = randomBytes(32);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, key, { mode: 0o600, flag: 'w' });
      await chmod(file, 0o600).catch(() => {});
    }
    return new UrlSigner(key);
  }

  static forTests(): UrlSigner {
    return new UrlSigner(randomBytes(32));
  }

  private mac(pathAndQuery: string, exp: number): Buffer {
    return createHmac('sha256', this.key).update(`${exp}\n${pathAndQuery}`).digest();
  }

  /** `pathAndQuery` ("/files/assets/x/thumb.png") with `exp` and `sig` appended. */
  sign(pathAndQuery: string, ttlMs = SIGNED_TTL_MS, now = Date.now()): string {
    const exp = Math.floor((now + ttlMs) / 1000);
    const sig = this.mac(pathAndQuery, exp).toString('base64url');
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
    const expected = this.mac(m[1]!, exp);
    const given = Buffer.from(m[3]!, 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
