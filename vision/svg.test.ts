import { describe, expect, it } from 'vitest';
import { sanitizeSvg } from './svg.ts';

const SVG = 'xmlns="http://www.w3.org/2000/svg"';
const XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink"';

/** The reason a document is refused, or null when it passes. */
function refusal(svg: string): string | null {
  try {
    sanitizeSvg(Buffer.from(svg));
    return null;
  } catch (e) {
    expect((e as { code?: string }).code).toBe('rejected');
    return (e as Error).message;
  }
}

describe('sanitizeSvg', () => {
  it.each([
    [
      'an iframe with srcdoc inside foreignObject',
      `<svg ${SVG}><foreignObject><iframe srcdoc="<script>alert(1)</script>"/></foreignObject></svg>`,
      /embeds HTML \(<foreignObject>\)/,
    ],
    [
      'an animation that rewrites a link into javascript:',
      `<svg ${SVG} ${XLINK}><a><animate attributeName="href" values="javascript:alert(1)"/><text y="20">x</text></a></svg>`,
      /animates a link target \(<animate attributeName="href">\)/,
    ],
    [
      'a form posting to javascript: inside foreignObject',
      `<svg ${SVG}><foreignObject><form action="javascript:alert(1)"><button>x</button></form></foreignObject></svg>`,
      /foreignObject/,
    ],
    [
      'a prefixed foreignObject',
      `<svg:svg xmlns:svg="http://www.w3.org/2000/svg"><svg:foreignObject width="9" height="9"/></svg:svg>`,
      /foreignObject/,
    ],
    [
      'an HTML element by namespace, without foreignObject',
      `<svg ${SVG} xmlns:h="http://www.w3.org/1999/xhtml"><h:object data="https://evil.example/"/></svg>`,
      /XHTML namespace/,
    ],
    ['a srcdoc attribute', `<svg ${SVG}><iframe srcdoc="&lt;b&gt;hi&lt;/b&gt;"/></svg>`, /srcdoc/],
    [
      'a form action',
      `<svg ${SVG}><form action="https://evil.example/steal"/></svg>`,
      /form action attribute \(action\)/,
    ],
    [
      'a formaction',
      `<svg ${SVG}><button formaction="https://evil.example/"/></svg>`,
      /form action attribute \(formaction\)/,
    ],
    [
      'a <set> of xlink:href',
      `<svg ${SVG} ${XLINK}><a><set attributeName="xlink:href" to="#ok"/></a></svg>`,
      /animates a link target \(<set attributeName="xlink:href">\)/,
    ],
    [
      'an animation of any attribute to a javascript: value',
      `<svg ${SVG}><a><animateMotion attributeName="x" from="0" to="java\tscript:alert(1)"/></a></svg>`,
      /animates to a javascript: URL \(<animateMotion to=/,
    ],
  ])('refuses %s with a clear reason', (_what, svg, why) => {
    const r = refusal(svg);
    expect(r).toMatch(/^unsafe SVG: /);
    expect(r).toMatch(why);
  });

  it.each([
    [
      'an attribute name spelled with a reference',
      `<svg ${SVG}><a><animate attributeName="&#104;ref" values="#a;#b"/></a></svg>`,
      /animates a link target \(<animate attributeName="href">\)/,
    ],
    [
      'a hex reference in the element name',
      `<svg ${SVG}><&#x66;oreignObject/></svg>`,
      /foreignObject/,
    ],
    [
      'a javascript: value spelled with references',
      `<svg ${SVG}><a><animate attributeName="fill" values="&#x6A;avascript&#58;alert(1)"/></a></svg>`,
      /javascript: URL/,
    ],
    [
      'a srcdoc attribute spelled with a reference',
      `<svg ${SVG}><iframe &#115;rcdoc="x"/></svg>`,
      /srcdoc/,
    ],
    [
      'markup hidden in escaped text',
      `<svg ${SVG}><text>&lt;foreignObject&gt;</text></svg>`,
      /foreignObject/,
    ],
  ])('decodes references before checking: refuses %s', (_what, svg, why) => {
    expect(refusal(svg)).toMatch(why);
  });

  it('keeps harmless animations and escaped text, and hands back the text as written', () => {
    const svg = `<svg ${SVG} width="10" height="10"><rect width="10" height="10"><animate attributeName="opacity" values="0;1" dur="1s"/><set attributeName="fill" to="#00f"/></rect><text>Tom &amp; Jerry</text></svg>`;
    expect(refusal(svg)).toBeNull();
    expect(sanitizeSvg(Buffer.from(svg)).toString()).toContain('Tom &amp; Jerry');
  });
});
