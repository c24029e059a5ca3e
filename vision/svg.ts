// SVG is a document, not a bitmap: before rasterising one we refuse anything that could reach outside
// the file (entities, external DTD subsets, hrefs to files or URLs, CSS url()/@import, XInclude) and
// anything that would run if the original were opened in a browser (scripts, event handlers, embedded
// HTML, form actions, animations that rewrite a link into javascript:).
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

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we strip
const squash = (v: string) => v.replace(/[\s\u0000-\u001f]+/g, '');

/** Same-document fragments and embedded raster data are the only references an SVG may make. */
function isInternalRef(raw: string): boolean {
  const v = squash(decodeRefs(raw));
  return v === '' || v.startsWith('#') || /^data:image\/(png|jpeg|gif|webp)[;,]/i.test(v);
}

const reject = (why: string) => new AppError('rejected', `unsafe SVG: ${why}`);
const short = (s: string) => (s.length > 80 ? `${s.slice(0, 77)}...` : s);

const NAME = '(?:[\\w.-]+:)?';
const ANIMATION =
  /<(?:[\w.-]+:)?(animate|animateTransform|animateMotion|animateColor|set)\b((?:[^>"']|"[^"]*"|'[^']*')*)>/gi;

/** The value of attribute `name` inside a tag's attribute text, if present. */
function attr(attrs: string, name: string): string | undefined {
  const m = new RegExp(`[\\s"'/]${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'i').exec(` ${attrs}`);
  return m ? (m[1] ?? m[2] ?? '') : undefined;
}

/** Every check on one spelling of the document; throws at the first thing that is unsafe. */
function check(text: string): void {
  if (/XInclude/i.test(text) || /<[\w.-]+:include[\s>/]/i.test(text)) {
    throw reject('it uses XInclude to pull in other files');
  }
  // HTML inside an SVG runs in a browser as HTML does: iframes, forms, scripts of its own.
  if (new RegExp(`<${NAME}foreignObject[\\s>/]`, 'i').test(text)) {
    throw reject('it embeds HTML (<foreignObject>)');
  }
  if (/=\s*["']\s*http:\/\/www\.w3\.org\/1999\/xhtml/i.test(text)) {
    throw reject('it declares the XHTML namespace, which lets HTML elements run inside it');
  }
  if (new RegExp(`<${NAME}script[\\s>/]`, 'i').test(text)) throw reject('it contains a script');
  const handler = /[\s"'/]on[a-z]+\s*=/i.exec(text.replace(/<!--[\s\S]*?-->/g, ''));
  if (handler)
    throw reject(`it has an event handler attribute (${handler[0].trim().replace(/=$/, '')})`);
  if (new RegExp(`[\\s"'/]${NAME}srcdoc\\s*=`, 'i').test(text)) {
    throw reject('it has a srcdoc attribute (an embedded HTML document)');
  }
  const action = new RegExp(`[\\s"'/](${NAME}(?:form)?action)\\s*=`, 'i').exec(text);
  if (action) throw reject(`it has a form action attribute (${action[1]})`);
  for (const m of text.matchAll(ANIMATION)) {
    const [, element, attrs = ''] = m;
    const target = squash(attr(attrs, 'attributeName') ?? '').toLowerCase();
    // An animated href turns a harmless link into whatever the animation says, after the checks.
    if (/^(?:[\w.-]+:)?href$/.test(target)) {
      throw reject(`it animates a link target (<${element} attributeName="${short(target)}">)`);
    }
    for (const key of ['values', 'to', 'from', 'by']) {
      const v = attr(attrs, key);
      if (v !== undefined && /javascript:/i.test(squash(v))) {
        throw reject(`it animates to a javascript: URL (<${element} ${key}="${short(v)}">)`);
      }
    }
  }
  for (const m of text.matchAll(
    /[\s"'/]((?:[\w.-]+:)?(?:href|src))\s*=\s*(?:"([^"]*)"|'([^']*)')/gi,
  )) {
    const value = m[2] ?? m[3] ?? '';
    if (!isInternalRef(value))
      throw reject(`it references an external resource (${m[1]}="${short(value)}")`);
  }
  if (/@import/i.test(text)) throw reject('its CSS imports another file (@import)');
  for (const m of text.matchAll(/url\(\s*(['"]?)([^)]*?)\1\s*\)/gi)) {
    if (!isInternalRef(m[2] ?? ''))
      throw reject(`its CSS references an external resource (url(${short(m[2] ?? '')}))`);
  }
}

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
  // Checked as written and with every character reference decoded: a parser decodes them in
  // attribute values (`attributeName="&#104;ref"` is href), and decoding the rest too only costs a
  // false alarm on odd text, never a miss. What librsvg gets is the text as written.
  check(text);
  check(decodeRefs(text));
  return Buffer.from(text, 'utf8');
}
