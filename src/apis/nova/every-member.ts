/**
 * A runtime list that the compiler checks names every member of the union `T` (the spec's
 * enum, through the generated types) and nothing else, so the two cannot drift apart. A
 * missing member makes the argument `never`: the call does not compile.
 *
 * @example
 * const STATUSES = everyMember<'draft' | 'published'>()(['draft', 'published']);
 * everyMember<'draft' | 'published'>()(['draft']); // compile error: 'published' is missing
 */
export function everyMember<T>() {
  return <const L extends readonly T[]>(list: L & ([Exclude<T, L[number]>] extends [never] ? unknown : never)): L => list;
}
