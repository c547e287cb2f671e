import { jsonBody } from '../../core/pipeline/body.js';
import type { ApiModule } from '../../core/api-module.js';
import { OperationIndex } from '../../core/contract/operations.js';
import { byOperation } from '../../core/pipeline/steps.js';
import { literalQueryKeys, requestValidation } from '../../core/validation.js';
import { norcapAuth } from './auth.js';
import { createDistributions } from './create-distributions.js';
import { renderNorcapError } from './envelope.js';
import { norcapFixtures } from './fixtures.js';
import { norcapLifecycle } from './lifecycle.js';
import { getDistribution, listDistributions, listReadAhead } from './read-distributions.js';
import type { operations } from './openapi.gen.js';
import type { NorcapData } from './types.js';

/** The NorCap custody distributions API (`openapi/norcap.yaml`). */
export const norcapApi: ApiModule<NorcapData> = {
  name: 'norcap',
  mountPaths: ['/v3/custody'],
  fixtures: norcapFixtures,
  // Lists read a credential's distributions in creation order; accounts are looked up by id only.
  schemas: { norcapDistributions: { owner: (record) => record.owner } },
  fixedCollections: ['norcapCredentials', 'norcapBrokerageAccounts', 'norcapAccounts'],
  // With --database, a GET by id reads its distribution, and a list its first page, in the
  // statement that reads the shared state (the credential is a fixed record, kept by the store
  // after its first read).
  readAhead(req, operation) {
    if (operation.operationId === 'getDistribution') {
      return { records: [{ collection: 'norcapDistributions', id: OperationIndex.for('norcap').parametersOf(operation, req.path).distributionId ?? '' }] };
    }
    const page = operation.operationId === 'listDistributions' ? listReadAhead(req, operation) : undefined;
    return page ? { page } : {};
  },
  renderError: renderNorcapError,
  lifecycle: norcapLifecycle,
  // Credentials first: a client without them gets 401 whatever its body, and its body is
  // never read. Then the body, the spec, the handler of the operation the door resolved.
  steps(ctx, { bodyLimit }) {
    return {
      '/v3/custody': [
        norcapAuth(ctx.store),
        ...jsonBody(bodyLimit),
        literalQueryKeys(),
        requestValidation('norcap'),
        byOperation<keyof operations>({
          createDistributions: createDistributions(ctx),
          listDistributions: listDistributions(ctx),
          getDistribution: getDistribution(ctx),
        }),
      ],
    };
  },
};
