/** What one position of a compiled pattern matches. */
const Step = {
  /** One given character. */
  Literal: 0,
  /** Any run of characters, `/` included, possibly empty (`*`). */
  Any: 1,
  /** The first character of a path segment (`{name}` needs at least one). */
  SegmentFirst: 2,
  /** The rest of that segment, possibly empty. */
  SegmentRest: 3,
} as const;
type Step = (typeof Step)[keyof typeof Step];

/**
 * A fault's path pattern: exact text, `*` for any run of characters (`/` included), `{name}`
 * for one path segment (so the spec's own templates work). A trailing slash on the request is
 * tolerated, as express routes tolerate it.
 *
 * Matching simulates the pattern as a state machine, one step per character of the path, so it
 * costs at most (path length × pattern length) whatever the pattern. A regular expression built
 * from the pattern would backtrack: `/v1/*a*a*a*a*a*a*a*a*a*a*a*a*b` took 95 s against a
 * 44-character path, freezing every request while a fault is armed.
 *
 * Kept hand-written rather than path-to-regexp (tried, v8.4 as express 5 ships it): its `*`
 * needs at least one character, so the documented `*` (possibly empty: `/v1/*` matches
 * `/v1/`) needs an optional group `{*w}` per wildcard, and optional groups expand into every
 * combination: 8 wildcards compile to a 14 kB regular expression, 12 are refused ("Too many
 * path combinations"). It also refuses two wildcards with no text between them, which this
 * syntax allows. path-to-regexp bounds backtracking by restricting what a later wildcard may
 * contain, not by a different algorithm; the state machine below keeps the documented syntax
 * and a cost bound of path length × pattern length.
 *
 * @example
 * compilePathPattern('/v1/distributions/{id}').test('/v1/distributions/dst_1'); // true
 * compilePathPattern('/v1/*').test('/v1/a/b');                                  // true
 * compilePathPattern('/v1/{id}').test('/v1/a/b');                               // false
 */
export function compilePathPattern(pattern: string): PathPattern {
  return new PathPattern(pattern);
}

export class PathPattern {
  private readonly steps: Step[] = [];
  private readonly chars: string[] = [];

  constructor(readonly source: string) {
    for (const part of source.split(/(\*+|\{[^}/]+\})/)) {
      if (part === '') continue;
      if (part.startsWith('*')) this.push(Step.Any); // `**` is `*`
      else if (/^\{[^}/]+\}$/.test(part)) {
        this.push(Step.SegmentFirst);
        this.push(Step.SegmentRest);
      } else for (let i = 0; i < part.length; i++) this.push(Step.Literal, part[i]);
    }
  }

  /** The text before the first wildcard: what every matching path starts with. */
  get literalPrefix(): string {
    const first = this.steps.findIndex((step) => step !== Step.Literal);
    return this.chars.slice(0, first === -1 ? undefined : first).join('');
  }

  /** True when the pattern has no wildcard at all. */
  get exact(): boolean {
    return this.steps.every((step) => step === Step.Literal);
  }

  test(path: string): boolean {
    const done = this.steps.length;
    // States are positions in `steps`; `seen` stamps which ones the current set holds.
    const seen = new Uint32Array(done + 1);
    let stamp = 1;
    let active = this.closure([0], seen, stamp);
    for (let i = 0; i < path.length && active.length > 0; i++) {
      const char = path[i] as string;
      if (char === '/' && i === path.length - 1 && seen[done] === stamp) return true; // trailing slash
      const next: number[] = [];
      for (const state of active) {
        if (state === done) continue;
        const step = this.steps[state];
        if (step === Step.Literal) {
          if (this.chars[state] === char) next.push(state + 1);
        } else if (step === Step.Any) next.push(state);
        else if (char !== '/') next.push(step === Step.SegmentFirst ? state + 1 : state);
      }
      active = this.closure(next, seen, ++stamp);
    }
    return seen[done] === stamp;
  }

  private push(step: Step, char = ''): void {
    this.steps.push(step);
    this.chars.push(char);
  }

  /** The states plus those reachable without reading a character (skipping an empty `*` or segment rest). */
  private closure(states: number[], seen: Uint32Array, stamp: number): number[] {
    const out: number[] = [];
    for (let state of states) {
      while (seen[state] !== stamp) {
        seen[state] = stamp;
        out.push(state);
        const step = this.steps[state];
        if (step !== Step.Any && step !== Step.SegmentRest) break;
        state += 1;
      }
    }
    return out;
  }
}
