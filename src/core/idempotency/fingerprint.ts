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
    // Members are pushed last first, one call each: spreading them as arguments (push(...x))
    // overflows the call stack on a wide body (70,000 array items, 80,000 keys).
    if (Array.isArray(v)) {
      todo.push({ text: ']' });
      for (let i = v.length - 1; i >= 0; i--) {
        const item: unknown = v[i];
        todo.push({ value: item === undefined ? null : item });
        if (i > 0) todo.push({ text: ',' });
      }
      todo.push({ text: '[' });
    } else {
      const entries = Object.entries(v as Record<string, unknown>)
        .filter(([, member]) => member !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      todo.push({ text: '}' });
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, member] = entries[i] as [string, unknown];
        todo.push({ value: member }, { text: `${i > 0 ? ',' : ''}${JSON.stringify(key)}:` });
      }
      todo.push({ text: '{' });
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
