// Safe HTML/SVG building for the reports: escaping of text and attribute values, and an `html` template tag
// that escapes every interpolated string. Must not format numbers or know anything about run.json.

/** Markup that is already safe to insert as-is (built by `html` or `raw`). */
export class SafeHtml {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

/** What `html` accepts between `${…}`: strings are escaped, SafeHtml inserted, null/undefined/false omitted. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const TEXT_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
};

/** Escapes text for element content: & < > (and quotes, so the same string is also safe in an attribute). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => TEXT_ESCAPES[c]!);
}

/** Escapes an attribute value; the caller always writes the value between double quotes. */
export function escapeAttr(value: string): string {
  // Also neutralise line breaks and tabs so tooltip text does not change meaning when normalised.
  return escapeHtml(value).replace(/\r\n|\r|\n/g, '&#10;').replace(/\t/g, '&#9;');
}

/** Marks trusted markup (e.g. a chart returned as a string by svg-line-chart) as safe to insert. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.markup;
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join('');
  if (typeof value === 'number') return String(value);
  if (value === true) return '';
  return escapeHtml(value as string);
}

/**
 * Template tag: `html\`<td title="${tip}">${name}</td>\`` escapes `tip` and `name`. Use it for every piece of
 * markup that contains a value, so no user string can reach the document unescaped.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Joins pieces of markup (escaping plain strings) with an optional separator. */
export function joinHtml(parts: readonly HtmlValue[], separator = ''): SafeHtml {
  return new SafeHtml(parts.map(render).join(escapeHtml(separator)));
}
