/** Shapes of the NorCap custody API, as `openapi/norcap.yaml` documents them. */

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
] as const;
export type DistributionStatus = (typeof DISTRIBUTION_STATUSES)[number];

export type TransactionType = 'ach' | 'wire';

/** One item of `newDistributions` after request validation. */
export interface NewDistribution {
  brokerageAccountId: string;
  amountCents: number;
  accountId?: string | null;
  bankId?: string | null;
  bankAccountId?: string | null;
  transactionType?: TransactionType | null;
  transactionMemo?: string | null;
}

export interface CreateDistributionsRequest {
  newDistributions: NewDistribution[];
}

/** The distribution object, field for field and in the seed's order. */
export interface Distribution {
  id: string;
  submissionId: string;
  brokerageAccountId: string;
  amountCents: number;
  status: DistributionStatus;
  accountId: string | null;
  bankId: string | null;
  bankAccountId: string | null;
  transactionType: TransactionType | null;
  transactionMemo: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Credential {
  clientId: string;
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
export interface NorcapData {
  [collection: string]: Record<string, unknown>;
  norcapCredentials: Record<string, Credential>;
  norcapBrokerageAccounts: Record<string, BrokerageAccount>;
  norcapAccounts: Record<string, ExternalAccount>;
  norcapDistributions: Record<string, DistributionRecord>;
}
