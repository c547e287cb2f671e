import escape from 'escape-html';

/** Escapes text for HTML content and quoted attribute values (`& < > " '`), by the `escape-html` package. */
export function escapeHtml(text: string): string {
  return escape(text);
}

/**
 * The little Markdown the specs' descriptions use inline: `code`, **bold** and [text](url) links,
 * on escaped text, so nothing in a spec can inject markup.
 *
 * @example
 * inlineMarkdown('Use `Bearer` **now**'); // 'Use <code>Bearer</code> <strong>now</strong>'
 */
export function inlineMarkdown(text: string): string {
  return escapeHtml(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+|\/[^)\s]*)\)/g, '<a href="$2">$1</a>');
}

/** The first paragraph of a Markdown description, on one line. */
export function firstParagraph(markdown: string | undefined): string {
  return (markdown ?? '').trim().split(/\n\s*\n/, 1)[0]?.replace(/\s*\n\s*/g, ' ') ?? '';
}

/** `brokerageAccounts` → `Brokerage accounts`. */
export function humanize(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
