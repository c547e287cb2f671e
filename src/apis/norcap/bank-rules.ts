import { electronicFormatIBAN, isValidBIC, isValidIBAN } from 'ibantools';
import { MESSAGES } from './messages.js';
import type { TransactionType } from './types.js';

/** A rule broken by direct bank data: which field, the HTTP status, the documented message. */
export interface BankDataProblem {
  field: 'bankId' | 'bankAccountId' | 'transactionType';
  status: 400 | 422;
  message: string;
}

const ROUTING_NUMBER = /^\d{9}$/;
const BIC_SHAPE = /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/;
const IBAN_SHAPE = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/;
const US_ACCOUNT_NUMBER = /^\d{4,17}$/;

export type BankKind = 'us_routing' | 'bic';

/** `us_routing` for a 9-digit routing number, `bic` for a BIC-shaped code, else undefined. */
export function bankKind(bankId: string): BankKind | undefined {
  if (ROUTING_NUMBER.test(bankId)) return 'us_routing';
  if (BIC_SHAPE.test(bankId.toUpperCase())) return 'bic';
  return undefined;
}

/** The transaction type a distribution gets when none was asked for: ACH for a US routing number, wire otherwise. */
export function defaultTransactionType(bankId: string | null): TransactionType {
  return bankId !== null && bankKind(bankId) === 'us_routing' ? 'ach' : 'wire';
}

/**
 * The bank-data rules of `openapi/norcap.yaml` ("Which bank-data problems are 400 and which
 * 422"). IBANs are checked by ibantools: the mod-97 checksum and the length for the country.
 *
 * @example
 * checkBankData('CHASDEFX123', 'DE89370400440532013000', null); // undefined: fine
 * checkBankData('CHASDEFX123', 'DE89370400440532013001', null)?.message; // 'Invalid request semantics: not a valid iban'
 */
export function checkBankData(bankId: string, bankAccountId: string, transactionType: TransactionType | null | undefined): BankDataProblem | undefined {
  const kind = bankKind(bankId);
  if (!kind) return { field: 'bankId', status: 400, message: MESSAGES.invalidBankId(bankId) };
  if (kind === 'bic' && !isValidBIC(bankId.toUpperCase())) return { field: 'bankId', status: 422, message: MESSAGES.invalidBic() };

  const compact = bankAccountId.replace(/\s+/g, '').toUpperCase();
  if (IBAN_SHAPE.test(compact)) {
    if (!isValidIBAN(electronicFormatIBAN(compact) ?? compact)) return { field: 'bankAccountId', status: 422, message: MESSAGES.invalidIban() };
  } else if (kind === 'us_routing' && !US_ACCOUNT_NUMBER.test(bankAccountId)) {
    return { field: 'bankAccountId', status: 422, message: MESSAGES.invalidBankAccountNumber() };
  }

  if (transactionType === 'ach' && kind === 'bic') return { field: 'transactionType', status: 422, message: MESSAGES.achNeedsRoutingNumber() };
  return undefined;
}
