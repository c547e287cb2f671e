import type { RequestRow, ShownBody } from './rows.js';

/**
 * The kept rows as HAR 1.2 (what browsers' network panels and most HTTP tools import). Built
 * from the masked rows: a HAR export never holds a secret either.
 */
export function toHar(rows: readonly RequestRow[], origin: string, version: string): unknown {
  return {
    log: {
      version: '1.2',
      creator: { name: 'fund-sandbox console', version },
      entries: rows.map((row) => ({
        startedDateTime: row.time,
        time: row.duration_ms,
        request: {
          method: row.method,
          url: `${origin}${row.path}${row.query}`,
          httpVersion: 'HTTP/1.1',
          cookies: [],
          headers: Object.entries(row.request.headers).map(([name, value]) => ({ name, value })),
          queryString: queryPairs(row.query),
          ...(row.request.body.kind !== 'none' && { postData: { mimeType: row.request.headers['content-type'] ?? 'application/json', text: bodyText(row.request.body) } }),
          headersSize: -1,
          bodySize: -1,
        },
        response: {
          status: row.status,
          statusText: '',
          httpVersion: 'HTTP/1.1',
          cookies: [],
          headers: Object.entries(row.response.headers).map(([name, value]) => ({ name, value })),
          content: { size: -1, mimeType: row.response.headers['content-type'] ?? '', text: bodyText(row.response.body) },
          redirectURL: '',
          headersSize: -1,
          bodySize: -1,
        },
        cache: {},
        timings: { send: 0, wait: row.duration_ms, receive: 0 },
        comment: [row.matched_contract ? 'matched the contract' : `contract: ${row.problems.join('; ')}`, row.fault ? `fault ${row.fault.id}` : '', row.replayed ? 'idempotent replay' : ''].filter(Boolean).join('; '),
      })),
    },
  };
}

function bodyText(body: ShownBody): string {
  if (body.kind === 'none') return '';
  return typeof body.value === 'string' ? body.value : JSON.stringify(body.value);
}

function queryPairs(query: string): { name: string; value: string }[] {
  if (query.length <= 1) return [];
  return query
    .slice(1)
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      return { name: eq < 0 ? pair : pair.slice(0, eq), value: eq < 0 ? '' : pair.slice(eq + 1) };
    });
}
