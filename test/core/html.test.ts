import { describe, expect, test } from '@jest/globals';
import { escapeHtml, inlineMarkdown } from '../../src/docs/html.js';

describe('docs HTML escaping', () => {
  test('escapeHtml escapes the five characters that matter in content and quoted attributes', () => {
    expect(escapeHtml(`<script>alert("x" & 'y')</script>`)).toBe('&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;');
    expect(escapeHtml('plain text, unchanged')).toBe('plain text, unchanged');
  });

  test('inlineMarkdown renders code, bold and links on escaped text: a spec cannot inject markup', () => {
    expect(inlineMarkdown('Use `Bearer <t>` **now**, see [docs](/docs/nova)')).toBe('Use <code>Bearer &lt;t&gt;</code> <strong>now</strong>, see <a href="/docs/nova">docs</a>');
    expect(inlineMarkdown('[x](javascript:alert(1)) <img onerror="y">')).toBe('[x](javascript:alert(1)) &lt;img onerror=&quot;y&quot;&gt;');
  });
});
