// SVG is a document, not a bitmap: before rasterising one we refuse anything that could reach outside
// the file (entities, external DTD subsets, hrefs to files or URLs, CSS url()/@import, XInclude) and
// anything that would run if the original were opened in a browser (scripts, event handlers).
import { AppError } from '../core/errors.ts';

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Undo character references so `&#x66;ile:` cannot hide `file:` from the checks below. */
function decodeRefs(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, ref: string) => {
    if (ref[0] === '#') {
      const code =
        ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff
        ? String.fromCodePoint(code)
        : '';
    }
    return PREDEFINED[ref.toLowerCase()] ?? m;
  });
}

/** Same-document fragments and embedded raster data are the only references an SVG may make. */
function isInternalRef(raw: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we strip
  const v = decodeRefs(raw).replace(/[\s\u0000-\u001f]+/g, '');
  return v === '' || v.startsWith('#') || /^data:image\/(png|jpeg|gif|webp)[;,]/i.test(v);
}

const reject = (why: string) => new AppError('rejected', `unsafe SVG: ${why}`);
const short = (s: string) => (s.length > 80 ? `${s.slice(0, 77)}...` : s);

/**
 * Returns SVG text that is safe to hand to librsvg, or throws AppError('rejected') with the reason.
 * A DOCTYPE without an internal subset is inert and common (Illustrator writes one); it is removed.
 */
export function sanitizeSvg(data: Buffer): Buffer {
  let text = data.toString('utf8');
  if (/<!ENTITY/i.test(text))
    throw reject('it declares XML entities (<!ENTITY>), which can read external files');
  const doctype = /<!DOCTYPE[^>[]*(\[[\s\S]*?\]\s*)?>/i.exec(text);
  if (doctype?.[1]) throw reject('its DOCTYPE has an internal subset');
  if (/<!DOCTYPE/i.test(text) && !doctype) throw reject('malformed DOCTYPE');
  if (doctype) text = text.replace(doctype[0], '');
  if (/XInclude/i.test(text) || /<[\w.-]+:include[\s>/]/i.test(text)) {
    throw reject('it uses XInclude to pull in other files');
  }
  if (/<(?:[\w.-]+:)?script[\s>/]/i.test(text)) throw reject('it contains a script');
  const handler = /[\s"'/]on[a-z]+\s*=/i.exec(text.replace(/<!--[\s\S]*?-->/g, ''));
  if (handler)
    throw reject(`it has an event handler attribute (${handler[0].trim().replace(/=$/, '')})`);
  for (const m of text.matchAll(
    /[\s"'/]((?:[\w.-]+:)?(?:href|src))\s*=\s*(?:"([^"]*)"|'([^']*)')/gi,
  )) {
    const value = m[2] ?? m[3] ?? '';
    if (!isInternalRef(value))
      throw reject(`it references an external resource (${m[1]}="${short(value)}")`);
  }
  if (/@import/i.test(decodeRefs(text))) throw reject('its CSS imports another file (@import)');
  for (const m of decodeRefs(text).matchAll(/url\(\s*(['"]?)([^)]*?)\1\s*\)/gi)) {
    if (!isInternalRef(m[2] ?? ''))
      throw reject(`its CSS references an external resource (url(${short(m[2] ?? '')}))`);
  }
  return Buffer.from(text, 'utf8');
}
