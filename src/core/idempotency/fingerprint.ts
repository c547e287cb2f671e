import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so two bodies that differ only in key order or
 * whitespace serialize alike. `undefined` (no body) is the empty string. Iterative, not
 * recursive: it runs before request validation, on bodies nested as deep as 1 MB of `[` allows.
 *
 * @example
 * canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] }); // '{"a":[{"c":3,"d":2}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return '';
  const out: string[] = [];
  // Work left to do, last first: text to emit as it stands, or a value still to serialize.
  const todo: ({ text: string } | { value: unknown })[] = [{ value }];
  while (todo.length > 0) {
    const next = todo.pop() as { text: string } | { value: unknown };
    if ('text' in next) {
      out.push(next.text);
      continue;
    }
    const v = next.value;
    if (v === null || typeof v !== 'object') {
      out.push(JSON.stringify(v));
      continue;
    }
    const parts: ({ text: string } | { value: unknown })[] = [];
    if (Array.isArray(v)) {
      v.forEach((item, i) => parts.push(...(i > 0 ? [{ text: ',' }] : []), { value: item === undefined ? null : item }));
      todo.push({ text: ']' }, ...parts.reverse(), { text: '[' });
    } else {
      const entries = Object.entries(v as Record<string, unknown>)
        .filter(([, member]) => member !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      entries.forEach(([key, member], i) => parts.push({ text: `${i > 0 ? ',' : ''}${JSON.stringify(key)}:` }, { value: member }));
      todo.push({ text: '}' }, ...parts.reverse(), { text: '{' });
    }
  }
  return out.join('');
}

/**
 * What makes two requests "the same request" for an idempotency key: method, path (with its
 * query) and the canonical body, hashed.
 *
 * @example
 * requestFingerprint('POST', '/v1/contacts', [{ name: 'A' }]) === requestFingerprint('POST', '/v1/contacts', [{ name: 'A' }]); // true
 */
export function requestFingerprint(method: string, url: string, body: unknown): string {
  return createHash('sha256').update(`${method.toUpperCase()} ${url}\n${canonicalJson(body)}`).digest('hex');
}
