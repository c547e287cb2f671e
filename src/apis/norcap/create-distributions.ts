import type { RequestHandler } from 'express';
import type { AppContext } from '../../core/api-module.js';
import { fail } from '../../core/errors.js';
import type { RecordStore } from '../../core/store/record-store.js';
import { toSqlDateTimeUtc } from '../../core/time-format.js';
import { credentialOf } from './auth.js';
import { checkBankData } from './bank-rules.js';
import { ok } from './envelope.js';
import { MESSAGES } from './messages.js';
import type { CreateDistributionsRequest, Distribution, NewDistribution, NorcapData } from './types.js';

/**
 * `POST /v3/custody/distributions`. The OpenAPI validator has already checked types and
 * required fields; this applies the rules the schema cannot express, item by item, and only
 * when every item passes does it store the whole batch, in one transaction.
 */
export function createDistributions(ctx: AppContext<NorcapData>): RequestHandler {
  return async function createNorcapDistributions(req, res) {
    const owner = credentialOf(res.locals).clientId;
    const { newDistributions } = req.body as CreateDistributionsRequest;
    // Every account the batch names, read at once (one round trip on PostgreSQL); then the
    // rules in item order, so the first failing item is the one named.
    const referenced = await referencedAccounts(ctx.store, newDistributions);
    for (const [index, item] of newDistributions.entries()) checkItem(referenced, owner, item, `newDistributions[${index}]`);

    const submissionId = ctx.ids.uuid();
    const timestamp = toSqlDateTimeUtc(ctx.clock.now());
    const distributions = newDistributions.map((item): Distribution => ({
      id: ctx.ids.uuid(),
      submissionId,
      brokerageAccountId: item.brokerageAccountId,
      amountCents: item.amountCents,
      status: 'pending',
      accountId: item.accountId ?? null,
      bankId: item.bankId ?? null,
      bankAccountId: item.bankAccountId ?? null,
      transactionType: item.transactionType ?? null,
      transactionMemo: item.transactionMemo ?? null,
      createdAt: timestamp,
      updatedAt: timestamp,
    }));
    await ctx.store.commit((tx) => {
      for (const distribution of distributions) tx.put('norcapDistributions', distribution.id, { owner, distribution });
    });
    res.status(200).json(ok({ distributions }));
  };
}

function rule(status: 400 | 422, message: string, field: string): never {
  fail({ kind: 'rule', status, message, field });
}

interface Referenced {
  accounts: Map<string, NorcapData['norcapAccounts'][string]>;
  brokerages: Map<string, NorcapData['norcapBrokerageAccounts'][string]>;
}

/** The linked accounts and brokerage accounts the items name, in one `getMany`. */
async function referencedAccounts(store: RecordStore<NorcapData>, items: readonly NewDistribution[]): Promise<Referenced> {
  const accountIds = [...new Set(items.flatMap((item) => (item.accountId ? [item.accountId] : [])))];
  const brokerageIds = [...new Set(items.map((item) => item.brokerageAccountId))];
  const found = await store.getMany<'norcapAccounts' | 'norcapBrokerageAccounts'>([
    ...accountIds.map((id) => ({ collection: 'norcapAccounts' as const, id })),
    ...brokerageIds.map((id) => ({ collection: 'norcapBrokerageAccounts' as const, id })),
  ]);
  const accounts = new Map<string, NorcapData['norcapAccounts'][string]>();
  const brokerages = new Map<string, NorcapData['norcapBrokerageAccounts'][string]>();
  accountIds.forEach((id, i) => {
    const record = found[i];
    if (record) accounts.set(id, record as NorcapData['norcapAccounts'][string]);
  });
  brokerageIds.forEach((id, i) => {
    const record = found[accountIds.length + i];
    if (record) brokerages.set(id, record as NorcapData['norcapBrokerageAccounts'][string]);
  });
  return { accounts, brokerages };
}

/** Throws the first rule the item breaks, naming the item (and field) in `field`. */
function checkItem(referenced: Referenced, owner: string, item: NewDistribution, at: string): void {
  const accountId = item.accountId ?? null;
  const bankId = item.bankId ?? null;
  const bankAccountId = item.bankAccountId ?? null;
  const hasBankInfo = bankId !== null || bankAccountId !== null;

  if (accountId === null && !hasBankInfo) rule(400, MESSAGES.accountOrBankRequired(), at);
  if (accountId !== null && hasBankInfo) rule(400, MESSAGES.onlyOneOfAccountOrBank(), at);

  if (accountId !== null) {
    const account = referenced.accounts.get(accountId);
    if (!account || account.owner !== owner) rule(400, MESSAGES.invalidAccountId(accountId), `${at}.accountId`);
    if (!account.linked) rule(400, MESSAGES.accountNotLinked(accountId), `${at}.accountId`);
  } else {
    if (bankId === null) rule(400, MESSAGES.incompleteBankInfo(), `${at}.bankId`);
    if (bankAccountId === null) rule(400, MESSAGES.incompleteBankInfo(), `${at}.bankAccountId`);
  }

  const brokerage = referenced.brokerages.get(item.brokerageAccountId);
  if (!brokerage || brokerage.owner !== owner) rule(400, MESSAGES.brokerageAccountMissing(item.brokerageAccountId), `${at}.brokerageAccountId`);

  if (bankId !== null && bankAccountId !== null) {
    const problem = checkBankData(bankId, bankAccountId, item.transactionType);
    if (problem) rule(problem.status, problem.message, `${at}.${problem.field}`);
  }
}
