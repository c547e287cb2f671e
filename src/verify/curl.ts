import type { HttpRequest } from './types.js';

/** A curl command repeating one request, every credential masked (`***`). */
export function curlFor(url: string, request: HttpRequest, headers: Record<string, string>): string {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const parts = ['curl', '-sg', '-X', request.method, quote(url)];
  for (const [name, value] of Object.entries({ ...request.headers, ...headers })) {
    const masked = name.toLowerCase() === 'authorization' ? value.replace(/^(\w+) .*$/, '$1 ***') : value;
    parts.push('-H', quote(`${name}: ${masked}`));
  }
  if (request.json !== undefined) parts.push('-H', quote('content-type: application/json'), '-d', quote(JSON.stringify(request.json)));
  if (request.form) {
    const form = Object.fromEntries(Object.entries(request.form).map(([k, v]) => [k, k === 'client_secret' ? '***' : v]));
    parts.push('--data-urlencode', ...Object.entries(form).flatMap(([k, v]) => (k === Object.keys(form)[0] ? [quote(`${k}=${v}`)] : ['--data-urlencode', quote(`${k}=${v}`)])));
  }
  return parts.join(' ');
}
