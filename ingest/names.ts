// File names arrive from users, archives and URLs: keep a safe, displayable basename and nothing else.

/**
 * A basename without path separators, traversal, control or bidi-override characters, leading dots
 * or trailing dots/spaces, at most 200 characters (the extension is kept). Never empty.
 */
export function sanitizeName(name: string): string {
  let s = String(name ?? '')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .normalize('NFC');
  s = s.split(/[/\\]/).pop() ?? '';
  s = s.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  if (s.length > 200) {
    const dot = s.lastIndexOf('.');
    const ext = dot > 0 && s.length - dot <= 10 ? s.slice(dot) : '';
    s = s.slice(0, 200 - ext.length) + ext;
  }
  return s || 'unnamed';
}

/** "spring_hero-01.jpg" → "spring hero 01": a readable title when the file carries none. */
export function titleFromName(name: string): string {
  const base = name.replace(/\.[a-z0-9]{1,5}$/i, '');
  const t = base
    .replace(/[_\-+]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return t || 'Untitled';
}

/** The last path segment of a URL, decoded, as a file name (or the host name when there is none). */
export function nameFromUrl(url: URL): string {
  const seg = url.pathname.split('/').filter(Boolean).pop();
  let name = url.hostname;
  if (seg) {
    try {
      name = decodeURIComponent(seg);
    } catch {
      name = seg;
    }
  }
  return sanitizeName(name);
}
