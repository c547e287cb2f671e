/** Shared shapes of the drift check (`fund-sandbox verify`). */

export type VerifyApi = 'norcap' | 'nova';

/** Fixture values a case needs on each side: the target's come from the profile. */
export type Role = 'brokerageAccount' | 'linkedAccount' | 'unlinkedAccount' | 'organization' | 'vehicle' | 'entity' | 'contact';

export type Roles = Partial<Record<Role, string>>;

/** How a request authenticates: the side's credentials, none, a made-up token, or a wrong secret. */
export type AuthMode = 'credentials' | 'none' | 'bogus' | 'wrong-secret';

export interface HttpRequest {
  method: 'GET' | 'POST';
  /** Path with its parameters filled in, e.g. `/v1/entities/ent_…`. */
  path: string;
  query?: [string, string][];
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  auth: AuthMode;
}

export interface HttpAnswer {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** The media type without parameters, e.g. `application/json`. */
  mediaType: string;
  text: string;
  /** The parsed JSON body, when the answer says it is JSON and parses. */
  body: unknown;
}

/** What a step sees of one side: its roles, what earlier steps captured there, the run tag. */
export interface SideView {
  readonly side: 'target' | 'mock';
  readonly runTag: string;
  role(role: Role): string;
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

export interface Step {
  name: string;
  operationId: string;
  /** The request on one side, or `undefined` to skip the step there (nothing to read back). */
  build(side: SideView): HttpRequest | undefined;
  /** Keeps what later steps need (an id the side returned): each side keeps its own. */
  capture?(answer: HttpAnswer, side: SideView): void;
  /** A check of one side's answer beyond the spec (e.g. "the created id is in the list"). */
  expect?(answer: HttpAnswer, side: SideView): string | undefined;
  /** The header a replay from an earlier run with the same run tag may carry (ignored then). */
  replayHeader?: string;
}

export type CaseSource = 'example' | 'generated' | 'invalid' | 'flow' | 'auth';

export interface Case {
  id: string;
  title: string;
  source: CaseSource;
  /** Every operation the case's steps call. */
  operations: string[];
  /** Sends a POST other than the token request: only with `--allow-writes`. */
  writes: boolean;
  /** Sends credentials known to be wrong: only with `--include-auth-failures`. */
  authFailure: boolean;
  /** Roles the case needs from the profile. */
  roles: Role[];
  steps: Step[];
}

export type DifferenceKind = 'status' | 'content_type' | 'header' | 'missing_field' | 'undocumented_field' | 'type' | 'value' | 'schema';

/** `mock`: the target conforms and the mock does not match it; `spec`: the target breaks the spec; `both`. */
export type DriftClass = 'mock' | 'spec' | 'both';

export interface Difference {
  operation: string;
  case: string;
  step: string;
  kind: DifferenceKind;
  class: DriftClass;
  /** JSON pointer into the body (`''` is the whole body); absent for status, content type and headers. */
  pointer?: string;
  /** Header name, for `header` differences. */
  header?: string;
  target?: unknown;
  mock?: unknown;
  message: string;
  /** Set when a baseline entry accepts the difference. */
  accepted?: { reason: string; expires: string };
  /** Set when a baseline entry matched but has expired: the difference fails again. */
  expired?: { reason: string; expires: string };
}
