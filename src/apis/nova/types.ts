/**
 * Shapes of the Nova API. The public ones come from `openapi/nova.yaml` through the generated
 * `openapi.gen.ts` (`npm run gen:types`), so the spec stays their one source; the stored
 * records (owners, tokens, clients) are the sandbox's own.
 */
import type { KeyRecord } from '../../core/store/record-store.js';
import type { Collections } from '../../core/store/types.js';
import { everyMember } from './every-member.js';
import type { components } from './openapi.gen.js';

type Schemas = components['schemas'];
export type EntityType = Schemas['EntityType'];
export type DistributionStatus = Schemas['DistributionStatus'];
export type PaymentStatus = Schemas['PaymentStatus'];
export type Entity = Schemas['Entity'];
export type Contact = Schemas['Contact'];
export type Vehicle = Schemas['Vehicle'];
export type Distribution = Schemas['Distribution'];
export type DistributionPayment = Schemas['Payment'];
export type DistributionNotification = Schemas['Notification'];
/** Request bodies, after the OpenAPI validator has checked them. */
export type NewEntity = Schemas['NewEntity'];
export type NewContact = Schemas['NewContact'];
export type NewDistribution = Schemas['NewDistribution'];
export type NewPayment = Schemas['NewPayment'];
export type TokenRequest = Schemas['TokenRequest'];
export type TokenResponse = Schemas['TokenResponse'];
/** Nova's error envelope, `{"error": {code, message, param?}}`, and its codes. */
export type NovaError = Schemas['Error'];
export type NovaErrorCode = NovaError['error']['code'];
/** The token endpoint's RFC 6749 §5.2 error body, and its codes. */
export type OAuthError = Schemas['OAuthError'];
export type OAuthErrorCode = OAuthError['error'];

/** Every entity type, in the reference's order; the compiler checks the list against the spec. */
export const ENTITY_TYPES = everyMember<EntityType>()([
  'individual',
  'individual_retirement_plan',
  'corporation',
  'llc',
  'partnership',
  'trust',
  'joint_tenants_ros',
  'tenants_in_common',
  'community_property',
  'registered_investment_company',
  'foundation',
  'charitable_remainder_trust',
  'endowment',
  'employee_benefit_plan',
  'keogh_plan',
  'other_entity',
]);

/** Every distribution status, in lifecycle order; checked against the spec likewise. */
export const DISTRIBUTION_STATUSES = everyMember<DistributionStatus>()(['draft', 'published', 'approved', 'executed', 'cancelled']);

export interface Organization {
  id: string;
  name: string;
}

/** An OAuth client and the organizations it was granted. */
export interface Client {
  clientId: string;
  /** Plain for the README's fixtures; `sha256:<hex>` (see `hashSecret`) for a workspace's. */
  clientSecret: string;
  name: string;
  organizations: string[];
}

/** An issued access token, stored under the SHA-256 of its value (the value itself is never kept). */
export interface TokenRecord {
  clientId: string;
  /** The organization the token is bound to (`organization` form parameter), if any. */
  organization: string | null;
  expiresAtMs: number;
}

/** Every stored object carries the organization it belongs to beside its public shape. */
export interface Owned<T> {
  organization: string;
  object: T;
}

/** Where a payment lives: `GET /v1/distribution_payments/{id}/...` finds it in one lookup. */
export interface PaymentIndexEntry {
  organization: string;
  distribution: string;
}

/** Nova's collections in the store. */
export interface NovaData extends Collections {
  novaOrganizations: Record<string, Organization>;
  novaClients: Record<string, Client>;
  /** Under the token's SHA-256; listed per client (its cap and purge walk them oldest first). */
  novaTokens: Record<string, TokenRecord>;
  novaVehicles: Record<string, Owned<Vehicle>>;
  novaEntities: Record<string, Owned<Entity>>;
  novaContacts: Record<string, Owned<Contact>>;
  novaDistributions: Record<string, Owned<Distribution>>;
  novaPayments: Record<string, PaymentIndexEntry>;
  novaIdempotencyKeys: Record<string, KeyRecord>;
}
