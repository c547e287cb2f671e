import { fail } from './errors.js';

export interface CursorQuery {
  /** Page size, already checked against the spec's bounds. */
  limit: number;
  /** Id of the last item of the previous page. */
  starting_after?: string;
}

export interface CursorPage<T> {
  data: T[];
  has_more: boolean;
}

/**
 * Stripe-style cursor paging over items already in the order they are listed: the page
 * starts just after the item whose id is `starting_after`. A cursor that is not among the
 * items (unknown, or not the caller's) is a 404 naming `starting_after`, as an unknown id is
 * everywhere else.
 *
 * @example
 * cursorPage([{ id: 'a' }, { id: 'b' }, { id: 'c' }], (x) => x.id, { limit: 1, starting_after: 'a' });
 * // { data: [{ id: 'b' }], has_more: true }
 */
export function cursorPage<T>(items: readonly T[], idOf: (item: T) => string, query: CursorQuery): CursorPage<T> {
  let start = 0;
  if (query.starting_after !== undefined) {
    const cursor = query.starting_after;
    const at = items.findIndex((item) => idOf(item) === cursor);
    if (at === -1) unknownCursor(cursor);
    start = at + 1;
  }
  return { data: items.slice(start, start + query.limit), has_more: start + query.limit < items.length };
}

/**
 * The answer to a `starting_after` the caller cannot see: 404 naming the parameter, as an
 * unknown id is everywhere else. For pagers that find the cursor their own way.
 *
 * @example
 * if (position === undefined) unknownCursor(query.starting_after);
 */
export function unknownCursor(cursor: string): never {
  fail({ kind: 'not_found', status: 404, field: 'starting_after', message: `no such object to start after: '${cursor}'` });
}
