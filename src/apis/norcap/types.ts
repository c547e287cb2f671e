/**
 * Shapes of the NorCap custody API. The public ones come from `openapi/norcap.yaml` through the
 * generated `openapi.gen.ts` (`npm run gen:types`), so the spec stays their one source.
 */
import type { Collections } from '../../core/store/types.js';
import type { components } from './openapi.gen.js';

type Schemas = components['schemas'];
export type DistributionStatus = Schemas['DistributionStatus'];
/** One item of `newDistributions`, after request validation. */
export type NewDistribution = Schemas['NewDistribution'];
export type CreateDistributionsRequest = Schemas['CreateDistributionsRequest'];
/** The distribution object, field for field and in the seed's order. */
export type Distribution = Schemas['Distribution'];
export type TransactionType = NonNullable<Distribution['transactionType']>;

/** Every status, in the seed's order; the compiler checks the list against the spec's enum. */
export const DISTRIBUTION_STATUSES = [
  'pending',
  'processing',
  'on_hold',
  'approved',
  'rejected',
  'scheduled',
  'in_review',
  'completed',
  'terminated',
  'failed',
  'reopened',
] as const satisfies readonly DistributionStatus[];
type Missing = Exclude<DistributionStatus, (typeof DISTRIBUTION_STATUSES)[number]>;
const _everyStatusListed: Missing extends never ? true : Missing = true;
void _everyStatusListed;

export interface Credential {
  clientId: string;
  /** Plain for the README's fixtures; `sha256:<hex>` (see `hashSecret`) for a workspace's. */
  apiKey: string;
  name: string;
}

export interface BrokerageAccount {
  id: string;
  owner: string;
  name: string;
}

/** An account ID (`A…`); `linked` says whether it is linked to an external bank account. */
export interface ExternalAccount {
  id: string;
  owner: string;
  linked: boolean;
  bankId: string | null;
  bankAccountId: string | null;
  name: string;
}

/** A stored distribution: the public object plus the credential that owns it. */
export interface DistributionRecord {
  owner: string;
  distribution: Distribution;
}

/** NorCap's collections in the store. */
export interface NorcapData extends Collections {
  norcapCredentials: Record<string, Credential>;
  norcapBrokerageAccounts: Record<string, BrokerageAccount>;
  norcapAccounts: Record<string, ExternalAccount>;
  norcapDistributions: Record<string, DistributionRecord>;
}
