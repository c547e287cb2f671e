/**
 * One owner's ids in creation order, as a doubly linked list over a Map: appending, removing
 * any id and stepping from any id are O(1), so a page starting at a cursor costs O(page) and a
 * count is the list's size. Removing an id and putting it back moves it to the end (that is how
 * a re-stored idempotency key moves to the newest place).
 *
 * @example
 * const order = new OwnerOrder();
 * order.append('a'); order.append('b');
 * [...order.walk(undefined, true)]; // ['b', 'a']
 */
export class OwnerOrder {
  private readonly links = new Map<string, { prev: string | undefined; next: string | undefined }>();
  private head: string | undefined;
  private tail: string | undefined;

  get size(): number {
    return this.links.size;
  }

  has(id: string): boolean {
    return this.links.has(id);
  }

  /** Adds `id` as the newest, unless it is already listed (a put over a record keeps its place). */
  append(id: string): void {
    if (this.links.has(id)) return;
    this.links.set(id, { prev: this.tail, next: undefined });
    if (this.tail === undefined) this.head = id;
    else (this.links.get(this.tail) as { next: string | undefined }).next = id;
    this.tail = id;
  }

  remove(id: string): void {
    const link = this.links.get(id);
    if (!link) return;
    this.links.delete(id);
    if (link.prev === undefined) this.head = link.next;
    else (this.links.get(link.prev) as { next: string | undefined }).next = link.next;
    if (link.next === undefined) this.tail = link.prev;
    else (this.links.get(link.next) as { prev: string | undefined }).prev = link.prev;
  }

  /** Ids after `after` (exclusive; from the end when undefined), newest or oldest first. */
  *walk(after: string | undefined, newestFirst: boolean): Generator<string> {
    let id = after === undefined ? (newestFirst ? this.tail : this.head) : this.step(after, newestFirst);
    while (id !== undefined) {
      yield id;
      id = this.step(id, newestFirst);
    }
  }

  private step(id: string, newestFirst: boolean): string | undefined {
    const link = this.links.get(id);
    return newestFirst ? link?.prev : link?.next;
  }
}
