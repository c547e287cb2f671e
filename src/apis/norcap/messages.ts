/**
 * NorCap's error messages, kept as data. The first six are the seed's "Common Error Messages",
 * byte for byte; the rest follow their style for cases the seed does not name.
 */
export const MESSAGES = {
  accountOrBankRequired: () => 'Bad request: account ID or banking info required',
  onlyOneOfAccountOrBank: () => 'Bad request: only one of account ID or banking info may be specified',
  invalidAccountId: (id: string) => `Bad request: '${id}' is not a valid account ID`,
  accountNotLinked: (accountId: string) => `Bad request: '${accountId}' is not linked to an external account`,
  brokerageAccountMissing: (brokerageAccountId: string) => `Bad request: brokerage account '${brokerageAccountId}' does not exist`,
  invalidIban: () => 'Invalid request semantics: not a valid iban',

  incompleteBankInfo: () => 'Bad request: banking info requires both bankId and bankAccountId',
  invalidBankId: (bankId: string) => `Bad request: '${bankId}' is not a valid bankId (expected a 9-digit routing number or an 8 or 11 character BIC)`,
  invalidBic: () => 'Invalid request semantics: not a valid bic',
  invalidBankAccountNumber: () => 'Invalid request semantics: not a valid bank account number',
  achNeedsRoutingNumber: () => 'Invalid request semantics: ach requires a US routing number',
  badRequest: (detail: string) => `Bad request: ${detail}`,
  unauthorized: (detail: string) => `Unauthorized: ${detail}`,
  notFound: (detail: string) => `Not found: ${detail}`,
  methodNotAllowed: () => 'Method not allowed',
  tooManyRequests: () => 'Too many requests',
  serverError: () => 'Internal server error',
  unavailable: () => 'Service unavailable',
} as const;
