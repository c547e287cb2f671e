/**
 * Generated from openapi/norcap.yaml by `npm run gen:types`. Do not edit.
 */

export interface paths {
    "/v3/custody/distributions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List distributions
         * @description The credential's distributions, oldest first unless `sort` says otherwise. Filters follow
         *     NorCap's list conventions: `filter[field]=value`, repeated or with `[]` for several
         *     values, and `filter[amountCents][min]` / `filter[amountCents][max]` (inclusive) for ranges.
         *     Each filter is its own query parameter, named with its brackets (OpenAPI 3.0 leaves a
         *     `deepObject` holding arrays undefined, so tools would each read it differently); a key
         *     ending in `[]` is read as the same key without it. Filters combine with AND.
         *
         *     Cost (a sandbox note): without a filter, in creation order or sorted by `createdAt`, a
         *     page reads only its own records, whatever the credential has stored. A filter, or a sort
         *     on another field, reads every distribution of the credential.
         */
        get: operations["listDistributions"];
        put?: never;
        /**
         * Create one or more distributions
         * @description Create one or more new distribution requests from brokerage accounts to external bank
         *     accounts. Each item needs either `accountId` or both `bankId` and `bankAccountId`;
         *     providing both is an error.
         */
        post: operations["createDistributions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v3/custody/distributions/{distributionId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Retrieve a distribution (sandbox addition)
         * @description **Sandbox addition**: NorCap publishes no GET-by-id for distributions. The sandbox answers
         *     one distribution of the credential in the list's envelope style, under `distribution`.
         */
        get: operations["getDistribution"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        CreateDistributionsRequest: {
            /** @description Array of distribution requests (1 to 500). */
            newDistributions: components["schemas"]["NewDistribution"][];
        };
        /** @description Either a linked account (`accountId`) or bank details (`bankId` and `bankAccountId`), never both and never neither; `null` counts as absent. `anyOf` and `not` say so for tools; the server answers a breach with the documented `1400` messages (`x-sandbox-enforced-by-rules` names the keywords the request validator leaves to those rules, so the exact message wins). */
        NewDistribution: {
            /**
             * @description The brokerage account ID (e.g. "NC95156").
             * @example NC95156
             */
            brokerageAccountId: string;
            /**
             * @description Amount to distribute in cents (e.g. 1234 = $12.34).
             * @example 1234
             */
            amountCents: number;
            /**
             * @description External account ID linked to a bank account. Required if bankId and bankAccountId are not provided. `null` counts as absent.
             * @example A1234567890
             */
            accountId?: string | null;
            /**
             * @description For US banks: the 9-digit routing number; for international banks: the BIC/SWIFT code (8 or 11 characters). Required if accountId is not provided. A value of neither shape is a `400` `1400` naming the bankId.
             * @example 012345678
             */
            bankId?: string | null;
            /**
             * @description Bank account number or IBAN (letters and digits; spaces, as in a printed IBAN, are allowed). Required if accountId is not provided.
             * @example 123456789
             */
            bankAccountId?: string | null;
            /**
             * @description "ach" or "wire". If not specified, the system determines the type when the distribution starts processing.
             * @enum {string|null}
             */
            transactionType?: "ach" | "wire" | null;
            /** @description Optional memo or description for the transaction. */
            transactionMemo?: string | null;
        };
        Distribution: {
            /**
             * Format: uuid
             * @description Unique identifier for the distribution (UUID).
             */
            id: string;
            /**
             * Format: uuid
             * @description Identifier for the submission batch (UUID); one per create request.
             */
            submissionId: string;
            brokerageAccountId: string;
            amountCents: number;
            status: components["schemas"]["DistributionStatus"];
            /** @description External account ID (null if using bank info directly). */
            accountId: string | null;
            /** @description Bank routing number or BIC/SWIFT code (null if using accountId). */
            bankId: string | null;
            /** @description Bank account number or IBAN (null if using accountId). */
            bankAccountId: string | null;
            /**
             * @description "ach" or "wire" (null until determined).
             * @enum {string|null}
             */
            transactionType: "ach" | "wire" | null;
            transactionMemo: string | null;
            createdAt: components["schemas"]["Timestamp"];
            updatedAt: components["schemas"]["Timestamp"];
        };
        /**
         * @description Current status. New distributions are `pending`. The sandbox moves them with
         *     `POST /_sandbox/norcap/distributions/{id}/status` (or `--auto-advance`) along:
         *     pending → processing | in_review | on_hold | rejected | terminated;
         *     in_review → approved | rejected | on_hold; on_hold → in_review | processing | terminated;
         *     approved → scheduled | processing | terminated; scheduled → processing | terminated;
         *     processing → completed | failed; failed → reopened; rejected → reopened;
         *     reopened → pending. `completed` and `terminated` are final.
         * @enum {string}
         */
        DistributionStatus: "pending" | "processing" | "on_hold" | "approved" | "rejected" | "scheduled" | "in_review" | "completed" | "terminated" | "failed" | "reopened";
        /**
         * @description UTC, `YYYY-MM-DD HH:MM:SS`.
         * @example 2023-05-01 14:30:00
         */
        Timestamp: string;
        CreateDistributionsResponse: {
            /** @enum {string} */
            statusCode: "101";
            /** @enum {string} */
            statusDesc: "Ok";
            distributions: components["schemas"]["Distribution"][];
        };
        ListDistributionsResponse: {
            /** @enum {string} */
            statusCode: "101";
            /** @enum {string} */
            statusDesc: "Ok";
            custody_distributions: components["schemas"]["Distribution"][];
            pagination: components["schemas"]["Pagination"];
        };
        GetDistributionResponse: {
            /** @enum {string} */
            statusCode: "101";
            /** @enum {string} */
            statusDesc: "Ok";
            distribution: components["schemas"]["Distribution"];
        };
        /**
         * @description `totalRecords` counts every match of the filters; `startIndex` is the offset of the first
         *     record returned and `endIndex` the offset just past the last one (sandbox choice: with
         *     `offset=0` and 10 records returned, 0 and 10).
         */
        Pagination: {
            totalRecords: number;
            startIndex: number;
            endIndex: number;
        };
        ErrorEnvelope: {
            /** @description `1400`, `1422` (published); `1401`, `1404`, `1405`, `1429`, `1500`, `1503` (sandbox). */
            statusCode: string;
            /** @description The message, e.g. `Bad request: account ID or banking info required`. */
            statusDesc: string;
            /** @description Sandbox addition; path of the offending input, e.g. `newDistributions[1].accountId`. */
            field?: string;
        };
    };
    responses: {
        /** @description Missing required fields or invalid parameters (`1400`). */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description Invalid banking information (`1422`). */
        InvalidBankData: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description Missing or unknown credentials (`1401`, sandbox code). */
        Unauthorized: {
            headers: {
                "WWW-Authenticate"?: string;
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "statusCode": "1401",
                 *       "statusDesc": "Unauthorized: invalid credentials"
                 *     }
                 */
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description No such resource for this credential (`1404`, sandbox code). */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description Rate limited (`1429`; produced by sandbox fault injection). Carries `Retry-After`. */
        TooManyRequests: {
            headers: {
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /**
         * @description Server or upstream failure (`1500`/`1503`), produced by sandbox fault injection; also
         *     `1503` `Service unavailable`, with `Retry-After`, while the sandbox's PostgreSQL
         *     (`--database`) cannot be reached: retry.
         */
        ServerError: {
            headers: {
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listDistributions: {
        parameters: {
            query?: {
                /** @description How many distributions to return (default 10, at most 500). */
                limit?: number;
                /** @description How many distributions to skip (default 0). At most 9007199254740991 (2^53 - 1, the largest offset the sandbox represents exactly); a larger one is a 400 `1400`. */
                offset?: number;
                /** @description `field:asc` or `field:desc`; fields `createdAt`, `updatedAt`, `amountCents`, `status`, `brokerageAccountId`. */
                sort?: string;
                /**
                 * @description Only these brokerage accounts: `filter[brokerageAccountId]=NC95156`; repeat it (or write `filter[brokerageAccountId][]=`) for several.
                 * @example [
                 *       "NC95156"
                 *     ]
                 */
                "filter[brokerageAccountId]"?: string[];
                /**
                 * @description Only these statuses: `filter[status]=pending`; repeat it (`filter[status]=pending&filter[status]=processing`, or `filter[status][]=pending&filter[status][]=processing`) for several.
                 * @example [
                 *       "pending"
                 *     ]
                 */
                "filter[status]"?: components["schemas"]["DistributionStatus"][];
                /**
                 * @description Only the distributions of one create request: `filter[submissionId]=<uuid>`.
                 * @example 550e8400-e29b-41d4-a716-446655440001
                 */
                "filter[submissionId]"?: string;
                /**
                 * @description Only amounts of at least this many cents (inclusive).
                 * @example 100
                 */
                "filter[amountCents][min]"?: number;
                /**
                 * @description Only amounts of at most this many cents (inclusive).
                 * @example 5000
                 */
                "filter[amountCents][max]"?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of distributions. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListDistributionsResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServerError"];
        };
    };
    createDistributions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateDistributionsRequest"];
            };
        };
        responses: {
            /** @description The distributions were created. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreateDistributionsResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            422: components["responses"]["InvalidBankData"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServerError"];
        };
    };
    getDistribution: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                distributionId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The distribution. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetDistributionResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServerError"];
        };
    };
}
