import * as OpenApiValidator from 'express-openapi-validator';
import type { RequestHandler } from 'express';
import type { ApiName } from './contract/spec.js';
import { cloneSpec } from './contract/spec.js';

type ValidatorSpec = Parameters<typeof OpenApiValidator.middleware>[0]['apiSpec'];

/**
 * The OpenAPI document as request validation: express-openapi-validator, fed the API's own spec.
 * Its errors are not answered here; they flow on to the API's error handler, which renders them
 * in the API's envelope (the validator's default body is never sent).
 *
 * @example
 * router.use(requestValidation('norcap'));
 */
export function requestValidation(api: ApiName): RequestHandler[] {
  return OpenApiValidator.middleware({
    apiSpec: cloneSpec(api) as unknown as ValidatorSpec,
    validateRequests: { allowUnknownQueryParameters: false, coerceTypes: 'array' },
    validateResponses: false,
    validateSecurity: false,
    validateApiSpec: false,
    ignoreUndocumented: false,
  }) as RequestHandler[];
}
