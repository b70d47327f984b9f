import { describe, expect, it } from 'vitest';
import { escapeHtml, html, SafeHtml } from '../../../lib/view/html.js';

describe('escapeHtml', () => {
  it('escapes the five characters that matter in text and quoted attributes', () => {
    // Act
    const escaped = escapeHtml(`<a href="x" title='y'>&amp;</a>`);

    // Assess
    expect(escaped).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  });
});

describe('html', () => {
  it('escapes interpolated text and numbers, keeps its own markup, and drops nullish values', () => {
    // Prepare
    const inner = html`<b>${'<i>'}</b>`;

    // Act
    const markup = html`<p title="${'"x"'}">${inner}${[1, '<', null, undefined]}</p>`;

    // Assess
    expect(markup.toString()).toBe('<p title="&quot;x&quot;"><b>&lt;i&gt;</b>1&lt;</p>');
  });

  it('does not trust a string that looks like markup', () => {
    // Act
    const markup = html`${{ toString: () => '<script>' }.toString()}`;

    // Assess
    expect(markup.toString()).toBe('&lt;script&gt;');
  });
});

describe('SafeHtml', () => {
  it('cannot be made outside the html tag', () => {
    // Act
    const forge = () => new SafeHtml(Symbol('trusted markup') as never, '<script>');

    // Assess
    expect(forge).toThrow(TypeError);
  });
});
