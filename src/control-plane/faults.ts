import { fail } from '../core/errors.js';
import { compilePathPattern, type PathPattern } from './path-pattern.js';

/** What a client asks for (`POST /_sandbox/faults`, already checked against openapi/sandbox.yaml). */
export interface FaultSpec {
  /** An HTTP method, or `*` for any. */
  method: string;
  /** An exact path or a pattern: `*` is any run of characters, `{name}` one path segment. */
  path: string;
  /** The status to answer; omitted for a delay-only fault. */
  status?: number;
  count?: number;
  latency_ms?: number;
  /** `Retry-After` seconds of a 429 (default 1). */
  retry_after?: number;
}

/** An armed fault as the control API shows it. */
export interface Fault {
  id: string;
  method: string;
  path: string;
  status: number | null;
  count: number;
  remaining: number;
  latency_ms: number;
  retry_after: number | null;
}

export interface ArmedFault extends Fault {
  pattern: PathPattern;
}

/**
 * The faults of one sandbox as the control plane and the pipeline use them, whichever keeps
 * them: `FaultRegistry` in memory (`localFaults`), or PostgreSQL shared by every instance
 * (`--database`, src/backends/postgres/shared-state.ts). Asynchronous because the shared one asks the database.
 */
export interface FaultBook {
  add(spec: FaultSpec): Promise<Fault>;
  list(): Promise<Fault[]>;
  delete(id: string): Promise<boolean>;
  clear(): Promise<void>;
  /** The oldest fault matching the request with one use consumed (see `FaultRegistry.take`). */
  take(method: string, path: string): Fault | undefined | Promise<Fault | undefined>;
  /** How many faults this instance knows to be armed: 0 lets a request skip the lookup. */
  readonly size: number;
}

/** A `FaultRegistry` as a `FaultBook`: the in-memory default, `take` still synchronous. */
export function localFaults(registry: FaultRegistry): FaultBook {
  return {
    add: async (spec) => registry.add(spec),
    list: async () => registry.list(),
    delete: async (id) => registry.delete(id),
    clear: async () => registry.clear(),
    take: (method, path) => registry.take(method, path),
    get size() {
      return registry.size;
    },
  };
}

/**
 * Checks a fault a client asks for and gives it its defaults, everything but its id: what both
 * fault books arm. Throws an `ApiFailure` (400) for a fault that is wrong or could never fire.
 */
export function prepareFault(spec: FaultSpec, mountPaths?: readonly string[]): Omit<ArmedFault, 'id'> {
  if (spec.status === undefined && spec.latency_ms === undefined) {
    fail({ kind: 'validation', status: 400, message: 'a fault needs a status, a latency_ms, or both' });
  }
  if (spec.retry_after !== undefined && spec.status !== 429) {
    fail({ kind: 'validation', status: 400, field: 'retry_after', message: 'retry_after applies only to a fault with status 429' });
  }
  const pattern = compilePathPattern(spec.path);
  if (mountPaths && !couldMatchMountPath(pattern, mountPaths)) {
    fail({
      kind: 'validation',
      status: 400,
      field: 'path',
      message: `no mocked API serves ${spec.path}, so the fault would never apply: its path must fall under ${mountPaths.join(', ')} (or be a pattern such as *)`,
    });
  }
  const count = spec.count ?? 1;
  return {
    method: spec.method.toUpperCase(),
    path: spec.path,
    status: spec.status ?? null,
    count,
    remaining: count,
    latency_ms: spec.latency_ms ?? 0,
    retry_after: spec.status === 429 ? (spec.retry_after ?? 1) : null,
    pattern,
  };
}

/** Whether an armed fault applies to this request. */
export function faultMatches(fault: { method: string; pattern: PathPattern }, method: string, path: string): boolean {
  return (fault.method === '*' || fault.method === method.toUpperCase()) && fault.pattern.test(path);
}

export function tooManyFaults(): never {
  fail({ kind: 'rule', status: 409, message: `at most ${MAX_FAULTS} faults may be armed at once; DELETE /_sandbox/faults first` });
}

/** At most this many faults at once: faults are state a client grows, so they are bounded. */
export const MAX_FAULTS = 100;

/**
 * The faults armed through `/_sandbox/faults`, oldest first. `take()` is what the request
 * pipeline calls: it finds the oldest fault matching a request and uses up one of its count.
 *
 * @example
 * const faults = new FaultRegistry();
 * faults.add({ method: 'POST', path: '/v3/custody/distributions', status: 503 });
 * faults.take('POST', '/v3/custody/distributions')?.status; // 503
 * faults.take('POST', '/v3/custody/distributions');         // undefined: its count was 1
 */
export class FaultRegistry {
  private readonly armed = new Map<string, ArmedFault>();
  private sequence = 0;

  /**
   * @param mountPaths the path prefixes the mocked APIs own (`['/v3/custody', '/oauth/token',
   *   '/v1']`): a fault whose path could match none of them would never fire, so it is refused.
   *   Without them, any path is accepted.
   */
  constructor(private readonly mountPaths?: readonly string[]) {}

  add(spec: FaultSpec): Fault {
    const prepared = prepareFault(spec, this.mountPaths);
    if (this.armed.size >= MAX_FAULTS) tooManyFaults();
    const fault: ArmedFault = { id: `flt_${++this.sequence}`, ...prepared };
    this.armed.set(fault.id, fault);
    return publicFault(fault);
  }

  list(): Fault[] {
    return [...this.armed.values()].map(publicFault);
  }

  delete(id: string): boolean {
    return this.armed.delete(id);
  }

  clear(): void {
    this.armed.clear();
  }

  get size(): number {
    return this.armed.size;
  }

  /**
   * The oldest fault matching this request, with one use consumed (a used-up fault is
   * disarmed), or undefined. O(1) when no fault is armed, the usual case.
   */
  take(method: string, path: string): Fault | undefined {
    if (this.armed.size === 0) return undefined;
    for (const fault of this.armed.values()) {
      if (!faultMatches(fault, method, path)) continue;
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.armed.delete(fault.id);
      return publicFault(fault);
    }
    return undefined;
  }
}

export function publicFault({ pattern: _pattern, ...fault }: ArmedFault): Fault {
  return fault;
}

/**
 * Whether some path under a mount path could match: an exact pattern must be under one; a
 * pattern with wildcards must have a literal start that is under one or leads into one
 * (`/v*` may reach `/v1/...`, `*` reaches everything).
 */
function couldMatchMountPath(pattern: PathPattern, mountPaths: readonly string[]): boolean {
  const under = (path: string) => mountPaths.some((mount) => path === mount || path.startsWith(`${mount}/`));
  if (pattern.exact) return under(pattern.source) || under(pattern.source.replace(/\/$/, ''));
  const prefix = pattern.literalPrefix;
  return under(prefix) || mountPaths.some((mount) => mount.startsWith(prefix));
}
