const TRUSTED: unique symbol = Symbol('trusted markup');

/**
 * Markup built by the {@link html} tag. Only this module can create it (its
 * constructor wants a symbol it does not export), so a value is either markup
 * this code wrote or text that gets escaped.
 */
export class SafeHtml {
  readonly #markup: string;

  constructor(token: typeof TRUSTED, markup: string) {
    if (token !== TRUSTED) {
      throw new TypeError('SafeHtml is made only by the html template tag');
    }
    this.#markup = markup;
  }

  toString(): string {
    return this.#markup;
  }
}

/** What an {@link html} template interpolates: nullish renders as nothing, arrays are concatenated. */
export type HtmlValue = SafeHtml | string | number | null | undefined | readonly HtmlValue[];

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for HTML text content and for quoted attribute values alike:
 * `& < > " '` become character references.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (value instanceof SafeHtml) {
    return value.toString();
  }
  if (typeof value === 'string' || typeof value === 'number') {
    return escapeHtml(String(value));
  }
  return value.map(render).join('');
}

/**
 * A template tag that escapes every interpolated value unless it is markup made
 * by this tag. Attribute values must be written inside double quotes.
 */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let markup = strings[0] ?? '';
  values.forEach((value, index) => {
    markup += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(TRUSTED, markup);
}
