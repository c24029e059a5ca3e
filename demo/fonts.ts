// Which font can draw Japanese? Without one, librsvg draws ja-JP text as hex boxes; the demo still
// renders those cuts but says so in its report and ground truth instead of pretending they read.
import { execFile } from 'node:child_process';

export interface FontCheck {
  /** A family with Japanese glyphs, if fontconfig knows one. */
  cjkFamily?: string;
  note: string;
}

/** Parses `fc-list :lang=ja family` output: one line per font, families comma-separated. */
export function pickCjkFamily(fcListOutput: string): string | undefined {
  const families = fcListOutput
    .split('\n')
    .map((l) => l.split(',')[0]?.trim() ?? '')
    .filter(Boolean)
    .sort();
  // Prefer the common CJK families when several are installed; otherwise the first, sorted, so
  // the choice (and therefore the rendered bytes) is stable.
  return (
    families.find((f) => /Noto Sans CJK JP/i.test(f)) ??
    families.find((f) => /Noto Sans (CJK|JP)/i.test(f)) ??
    families[0]
  );
}

export async function detectCjkFont(): Promise<FontCheck> {
  const out = await new Promise<string | null>((resolve) => {
    execFile('fc-list', [':lang=ja', 'family'], { timeout: 5000 }, (err, stdout) =>
      resolve(err ? null : stdout),
    );
  });
  if (out === null) {
    return {
      note: 'fc-list is not available, so no Japanese font was found: ja-JP text renders as boxes',
    };
  }
  const family = pickCjkFamily(out);
  return family
    ? { cjkFamily: family, note: `ja-JP text uses "${family}"` }
    : {
        note: 'no font with Japanese glyphs is installed (e.g. fonts-noto-cjk): ja-JP text renders as boxes',
      };
}
