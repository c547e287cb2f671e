import { loadSpec } from '../../core/contract/spec.js';

interface HeaderParameter {
  schema: { pattern: string; maxLength: number };
}

// The organization and idempotency headers are checked before request validation runs (the
// idempotency middleware must see the request first), so their rules are read from the spec
// once here instead of being written a second time.
const parameters = loadSpec('nova').components?.parameters as Record<'OrganizationId' | 'IdempotencyKey', HeaderParameter>;

/** `X-Organization-Id`'s pattern, `^org_[A-Za-z0-9]+$`. */
export const ORGANIZATION_ID_PATTERN = new RegExp(parameters.OrganizationId.schema.pattern);

/** The longest `Idempotency-Key` accepted (255). */
export const IDEMPOTENCY_KEY_MAX_LENGTH = parameters.IdempotencyKey.schema.maxLength;
