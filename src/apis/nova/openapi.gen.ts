/**
 * Generated from openapi/nova.yaml by `npm run gen:types`. Do not edit.
 */

export interface paths {
    "/oauth/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Exchange client credentials for an access token
         * @description OAuth 2.0 client_credentials grant (RFC 6749 §4.4). The body is form-encoded. The client
         *     authenticates with HTTP Basic (`Authorization: Basic base64(client_id:client_secret)`,
         *     RFC 6749 §2.3.1) or with `client_id` and `client_secret` in the body. Sending both is
         *     allowed only when they name the same client and secret; otherwise `invalid_request`.
         *     The answer carries `Cache-Control: no-store` and `Pragma: no-cache` (§5.1).
         *
         *     Errors follow RFC 6749 §5.2, `{"error", "error_description"}`, not the Nova envelope:
         *     * `invalid_request` (400): no or repeated `grant_type`, a body that is not form-encoded
         *       (JSON included) or not UTF-8, client credentials given twice with different values, a
         *       malformed or ungranted `organization`. A body over the size limit keeps its status 413, a
         *       wrong method 405, still with `invalid_request`.
         *     * `invalid_client` (401): no client authentication, an unknown client or a wrong
         *       secret. With `WWW-Authenticate: Basic realm="nova"` only when the client tried HTTP
         *       Basic (RFC 6749 §5.2); credentials in the form body have no HTTP scheme to challenge,
         *       and OAuth clients (openid-client v6) read a Basic challenge as a demand for Basic, so
         *       that 401 carries none (a sandbox choice over RFC 9110's header on every 401).
         *     * `unsupported_grant_type` (400): any `grant_type` but `client_credentials` (the form is
         *       checked before the client is authenticated, so this comes first).
         *     * Injected faults: `temporarily_unavailable` (429, 503), `server_error` (other 5xx).
         */
        post: operations["issueToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/entities": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List entities */
        get: operations["listEntities"];
        put?: never;
        /**
         * Create entities
         * @description Create one or more entities (the investors a distribution pays). Atomic. Each new
         *     entity gets one payment instruction id (`pmi_...`) of its own; payments pay to an
         *     entity's first payment instruction. The sandbox has no payment-instruction endpoints.
         */
        post: operations["createEntities"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/entities/{entity_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Retrieve an entity */
        get: operations["getEntity"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/contacts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List contacts */
        get: operations["listContacts"];
        put?: never;
        /**
         * Create contacts
         * @description Create one or more contacts (people notified of payments). Atomic.
         */
        post: operations["createContacts"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/contacts/{contact_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Retrieve a contact */
        get: operations["getContact"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/vehicles": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List vehicles
         * @description The organization's fund vehicles. The sandbox's vehicles are fixtures; there is no way to create one.
         */
        get: operations["listVehicles"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/vehicles/{vehicle_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Retrieve a vehicle */
        get: operations["getVehicle"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/distributions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List distributions */
        get: operations["listDistributions"];
        put?: never;
        /**
         * Create distributions
         * @description Create one or more staged fund distributions in a single request. Each distribution has
         *     one or more payments; each payment references an existing entity by ID (entity) and an
         *     optional list of contacts to notify (notifications[].contact). Create entities and
         *     contacts first via POST /v1/entities and POST /v1/contacts. The batch is atomic — if
         *     any distribution fails validation, none are created.
         */
        post: operations["createDistributions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/distributions/{distribution_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Retrieve a distribution with aggregated payment status
         * @description The distribution object. Its embedded `payments` list holds every payment with its
         *     current status (which follows the distribution's, see "Distribution lifecycle"); the
         *     sandbox adds no other aggregate.
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
    "/v1/distributions/{distribution_id}/payments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List a distribution's payments */
        get: operations["listDistributionPayments"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/distribution_payments/{payment_id}/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List a payment's notifications */
        get: operations["listPaymentNotifications"];
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
        /** @description Unknown parameters are ignored (RFC 6749 §3.2). */
        TokenRequest: {
            /**
             * @description The only grant the sandbox issues; any other value is answered 400 `unsupported_grant_type` (RFC 6749 §5.2), not `invalid_request`.
             * @example client_credentials
             * @enum {string}
             */
            grant_type: "client_credentials";
            /** @description With `client_secret`, instead of HTTP Basic. */
            client_id?: string;
            client_secret?: string;
            /**
             * @description Sandbox addition: bind the token to this organization (one the client was granted).
             *     Requests with a bound token act on it without `X-Organization-Id`, and may not name
             *     another one (403).
             */
            organization?: string;
            /** @description Accepted and ignored. */
            scope?: string;
        };
        TokenResponse: {
            access_token: string;
            /** @enum {string} */
            token_type: "Bearer";
            /** @enum {integer} */
            expires_in: 3600;
        };
        OAuthError: {
            /** @enum {string} */
            error: "invalid_request" | "invalid_client" | "unsupported_grant_type" | "server_error" | "temporarily_unavailable";
            error_description: string;
        };
        Error: {
            error: {
                /** @enum {string} */
                code: "invalid_request" | "parameter_missing" | "parameter_invalid" | "organization_required" | "unauthorized" | "invalid_token" | "forbidden" | "resource_missing" | "route_not_found" | "method_not_allowed" | "request_timeout" | "idempotency_mismatch" | "conflict" | "body_too_large" | "unsupported_media_type" | "rate_limited" | "internal_error" | "contract_violation" | "service_unavailable";
                message: string;
                /** @description The offending input, e.g. `[0].payments[1].entity`, `starting_after`, `X-Organization-Id`. */
                param?: string;
            };
        };
        /**
         * @description True in live mode, false in test mode; the sandbox is always test mode.
         * @enum {boolean}
         */
        Livemode: false;
        /**
         * @description ISO 8601 UTC to the second.
         * @example 2023-11-07T05:31:56Z
         */
        Timestamp: string;
        /** @description ISO 8601 UTC to the second, or null. */
        NullableTimestamp: string | null;
        /** @description Your own identifier. */
        ExternalReference: string | null;
        /** @enum {string} */
        EntityType: "individual" | "individual_retirement_plan" | "corporation" | "llc" | "partnership" | "trust" | "joint_tenants_ros" | "tenants_in_common" | "community_property" | "registered_investment_company" | "foundation" | "charitable_remainder_trust" | "endowment" | "employee_benefit_plan" | "keogh_plan" | "other_entity";
        NewEntity: {
            /** @description Legal name. */
            name: string;
            type: components["schemas"]["EntityType"];
            external_reference?: components["schemas"]["ExternalReference"];
            /** @description Your own type for the entity. */
            external_type?: string | null;
        };
        Entity: {
            /** @enum {string} */
            object: "entity";
            livemode: components["schemas"]["Livemode"];
            id: string;
            name: string;
            type: components["schemas"]["EntityType"];
            external_reference: components["schemas"]["ExternalReference"];
            payment_instructions: string[];
            external_type: string | null;
        };
        /**
         * @description Narrower than `format: email` alone (RFC 5321 allows `ada@localhost` and quoted local
         *     parts): a dot-atom local part (no leading, trailing or doubled dot), `@`, and a domain of
         *     at least two dot-separated labels. `ada@example.com` is accepted; `ada@localhost`,
         *     `a..b@example.com` and `.ada@example.com` are 400 `parameter_invalid` (`must match format
         *     "email"`). The reference documents only "format email"; the sandbox reads it as this.
         */
        Email: string & (unknown & unknown);
        NewContact: {
            name: string;
            email: components["schemas"]["Email"];
            external_reference?: components["schemas"]["ExternalReference"];
        };
        Contact: {
            /** @enum {string} */
            object: "contact";
            livemode: components["schemas"]["Livemode"];
            id: string;
            name: string;
            email: components["schemas"]["Email"];
            external_reference: components["schemas"]["ExternalReference"];
        };
        /** @description A fund vehicle distributions pay from (sandbox shape; the reference lists vehicles without their fields). */
        Vehicle: {
            /** @enum {string} */
            object: "vehicle";
            livemode: components["schemas"]["Livemode"];
            id: string;
            name: string;
        };
        NewDistribution: {
            /** @example April 20th Distribution from XYZ Sale */
            name: string;
            /**
             * Format: date-time
             * @description Distribution date
             * @example 2024-04-20T00:00:00Z
             */
            distribution_date: string;
            /**
             * @description ID of the vehicle this distribution pays from
             * @example veh_pNvehE6O1KjY2W6Omq9MD3QAEs5w
             */
            vehicle: string;
            /** @description List of payments */
            payments: components["schemas"]["NewPayment"][];
            /**
             * @description Your own identifier for this distribution
             * @example distribution-123
             */
            external_reference?: string | null;
        };
        NewPayment: {
            /**
             * @description In the currency's minor units (`1000` USD = $10.00).
             * @example 1000
             */
            amount: number;
            /**
             * @description ISO 4217 code, upper case.
             * @example USD
             */
            currency: string;
            /** @description The entity paid (to its first payment instruction). */
            entity: string;
            /** @description Contacts to notify of this payment. */
            notifications?: {
                contact: string;
            }[];
            /**
             * Format: date-time
             * @description Pay this payment on another date than the distribution's.
             */
            distribution_date_override?: string | null;
        };
        /**
         * @description See "Distribution lifecycle".
         * @enum {string}
         */
        DistributionStatus: "draft" | "published" | "approved" | "executed" | "cancelled";
        /**
         * @description Follows the distribution (sandbox choice); see "Distribution lifecycle".
         * @enum {string}
         */
        PaymentStatus: "staged" | "pending" | "paid" | "cancelled";
        Distribution: {
            /** @enum {string} */
            object: "distribution";
            livemode: components["schemas"]["Livemode"];
            id: string;
            name: string;
            distribution_date: components["schemas"]["Timestamp"];
            vehicle: string;
            external_reference: components["schemas"]["ExternalReference"];
            /** @description A short human-friendly reference (sandbox format). */
            short_id: string;
            status: components["schemas"]["DistributionStatus"];
            published_at: components["schemas"]["NullableTimestamp"];
            approved_at: components["schemas"]["NullableTimestamp"];
            executed_at: components["schemas"]["NullableTimestamp"];
            cancelled_at: components["schemas"]["NullableTimestamp"];
            created_at: components["schemas"]["Timestamp"];
            updated_at: components["schemas"]["Timestamp"];
            /**
             * Format: uri
             * @description The sender's dashboard page (sandbox placeholder `https://dashboard.sandbox.nova.example/distributions/{id}`).
             */
            sender_url: string;
            /**
             * Format: uri
             * @description The recipients' page (sandbox placeholder `https://dashboard.sandbox.nova.example/d/{short_id}`).
             */
            recipient_url: string;
            payments: {
                /** @enum {string} */
                object: "list";
                data: components["schemas"]["Payment"][];
                /** @enum {boolean} */
                has_more: false;
                url: string;
            };
        };
        Payment: {
            /** @enum {string} */
            object: "distribution_payment";
            livemode: components["schemas"]["Livemode"];
            id: string;
            amount: number;
            currency: string;
            status: components["schemas"]["PaymentStatus"];
            recipient_confirmed_at: components["schemas"]["NullableTimestamp"];
            verified_at: components["schemas"]["NullableTimestamp"];
            entity: string;
            payment_instructions: string;
            distribution_date_override: components["schemas"]["NullableTimestamp"];
            notifications: {
                /** @enum {string} */
                object: "list";
                data: components["schemas"]["Notification"][];
                /** @enum {boolean} */
                has_more: false;
                url: string;
            };
        };
        Notification: {
            /** @enum {string} */
            object: "distribution_notification";
            livemode: components["schemas"]["Livemode"];
            id: string;
            contact: string;
        };
        EntityList: {
            /** @enum {string} */
            object: "list";
            data: components["schemas"]["Entity"][];
            has_more: boolean;
            /** @enum {string} */
            url: "/v1/entities";
        };
        ContactList: {
            /** @enum {string} */
            object: "list";
            data: components["schemas"]["Contact"][];
            has_more: boolean;
            /** @enum {string} */
            url: "/v1/contacts";
        };
        VehicleList: {
            /** @enum {string} */
            object: "list";
            data: components["schemas"]["Vehicle"][];
            has_more: boolean;
            /** @enum {string} */
            url: "/v1/vehicles";
        };
        DistributionList: {
            /** @enum {string} */
            object: "list";
            data: components["schemas"]["Distribution"][];
            has_more: boolean;
            /** @enum {string} */
            url: "/v1/distributions";
        };
        PaymentList: {
            /** @enum {string} */
            object: "list";
            data: components["schemas"]["Payment"][];
            has_more: boolean;
            url: string;
        };
        NotificationList: {
            /** @enum {string} */
            object: "list";
            data: components["schemas"]["Notification"][];
            has_more: boolean;
            url: string;
        };
    };
    responses: {
        /** @description The request breaks this document, or `X-Organization-Id` is needed and absent. */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description No bearer token (`unauthorized`), or an unknown or expired one (`invalid_token`). */
        Unauthorized: {
            headers: {
                /** @description `Bearer realm="nova"`, with `error="invalid_token"` and `error_description` for a bad token. */
                "WWW-Authenticate"?: string;
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "code": "invalid_token",
                 *         "message": "the access token expired"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The organization is not one this client (or token) may act on. */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "code": "forbidden",
                 *         "message": "this client may not act on organization 'org_Zq8LmN4vT2sRkW7c'",
                 *         "param": "X-Organization-Id"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description An id this organization cannot see (`resource_missing`), or no such path (`route_not_found`). */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "code": "resource_missing",
                 *         "message": "no such entity: 'ent_doesNotExist'",
                 *         "param": "[0].payments[0].entity"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description `Idempotency-Key` reused with another request (`idempotency_mismatch`), or its first request is still running (`conflict`). */
        IdempotencyConflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "code": "idempotency_mismatch",
                 *         "message": "Idempotency-Key 'retry-1' was already used with a different request",
                 *         "param": "Idempotency-Key"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /**
         * @description Any other error (405, 413, 415, 429, 5xx), in the same envelope. 429 and 503 may carry
         *     `Retry-After`. 503 `service_unavailable` is also the answer while the sandbox's PostgreSQL
         *     (`--database`) cannot be reached: retry.
         */
        Error: {
            headers: {
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description `invalid_request` or `unsupported_grant_type` (RFC 6749 §5.2). */
        OAuthBadRequest: {
            headers: {
                "Cache-Control"?: "no-store";
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": "unsupported_grant_type",
                 *       "error_description": "grant_type must be one of: client_credentials"
                 *     }
                 */
                "application/json": components["schemas"]["OAuthError"];
            };
        };
        /** @description `invalid_client`: no client authentication, an unknown client or a wrong secret. */
        OAuthInvalidClient: {
            headers: {
                /** @description Only when the client tried HTTP Basic (RFC 6749 §5.2); absent when it sent its credentials in the form body. */
                "WWW-Authenticate"?: "Basic realm=\"nova\"";
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": "invalid_client",
                 *       "error_description": "client authentication failed"
                 *     }
                 */
                "application/json": components["schemas"]["OAuthError"];
            };
        };
        /** @description Any other token-endpoint error, in RFC 6749's shape (503 `temporarily_unavailable` while the sandbox's database cannot be reached). */
        OAuthError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["OAuthError"];
            };
        };
    };
    parameters: {
        /**
         * @description ID of the organization the request acts on. Optional when the access token is bound to
         *     a specific organization, or when the integration has access to exactly one
         *     organization.
         * @example org_Xk7d2pQR9m3nBwYz
         */
        OrganizationId: string;
        /**
         * @description Supply a unique key to make a mutating request safely retryable. Any retry that sends
         *     the same key returns that stored response without performing the operation again.
         *     Keys are kept for 24 hours; see "Idempotency".
         */
        IdempotencyKey: string;
        /** @description How many objects to return, 1 to 100. */
        Limit: number;
        DistributionId: string;
    };
    requestBodies: never;
    headers: {
        /** @description `true` when the answer is a replay of the one stored under the request's `Idempotency-Key`. */
        IdempotentReplayed: "true";
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    issueToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["TokenRequest"];
            };
        };
        responses: {
            /** @description A bearer token. */
            200: {
                headers: {
                    "Cache-Control"?: "no-store";
                    Pragma?: "no-cache";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "access_token": "3q2Z0QnV8m1v9y7rJtQm5J8e0dPp3QKxq8n8YyS0c9g",
                     *       "token_type": "Bearer",
                     *       "expires_in": 3600
                     *     }
                     */
                    "application/json": components["schemas"]["TokenResponse"];
                };
            };
            400: components["responses"]["OAuthBadRequest"];
            401: components["responses"]["OAuthInvalidClient"];
            default: components["responses"]["OAuthError"];
        };
    };
    listEntities: {
        parameters: {
            query?: {
                /** @description How many objects to return, 1 to 100. */
                limit?: components["parameters"]["Limit"];
                /** @description Id of the last entity of the previous page. */
                starting_after?: string;
            };
            header?: {
                /**
                 * @description ID of the organization the request acts on. Optional when the access token is bound to
                 *     a specific organization, or when the integration has access to exactly one
                 *     organization.
                 * @example org_Xk7d2pQR9m3nBwYz
                 */
                "X-Organization-Id"?: components["parameters"]["OrganizationId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of entities, newest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EntityList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Error"];
        };
    };
    createEntities: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description ID of the organization the request acts on. Optional when the access token is bound to
                 *     a specific organization, or when the integration has access to exactly one
                 *     organization.
                 * @example org_Xk7d2pQR9m3nBwYz
                 */
                "X-Organization-Id"?: components["parameters"]["OrganizationId"];
                /**
                 * @description Supply a unique key to make a mutating request safely retryable. Any retry that sends
                 *     the same key returns that stored response without performing the operation again.
                 *     Keys are kept for 24 hours; see "Idempotency".
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example [
                 *       {
                 *         "name": "Acme Family Office LLC",
                 *         "type": "llc",
                 *         "external_reference": "investor-042",
                 *         "external_type": "family_office"
                 *       }
                 *     ]
                 */
                "application/json": components["schemas"]["NewEntity"][];
            };
        };
        responses: {
            /** @description The entities were created. */
            201: {
                headers: {
                    "Idempotent-Replayed": components["headers"]["IdempotentReplayed"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EntityList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["IdempotencyConflict"];
            default: components["responses"]["Error"];
        };
    };
    getEntity: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description ID of the organization the request acts on. Optional when the access token is bound to
                 *     a specific organization, or when the integration has access to exactly one
                 *     organization.
                 * @example org_Xk7d2pQR9m3nBwYz
                 */
                "X-Organization-Id"?: components["parameters"]["OrganizationId"];
            };
            path: {
                entity_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The entity. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Entity"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Error"];
        };
    };
    listContacts: {
        parameters: {
            query?: {
                /** @description How many objects to return, 1 to 100. */
                limit?: components["parameters"]["Limit"];
                /** @description Id of the last contact of the previous page. */
                starting_after?: string;
            };
            header?: {
                /**
                 * @description ID of the organization the request acts on. Optional when the access token is bound to
                 *     a specific organization, or when the integration has access to exactly one
                 *     organization.
                 * @example org_Xk7d2pQR9m3nBwYz
                 */
                "X-Organization-Id"?: components["parameters"]["OrganizationId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of contacts, newest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ContactList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Error"];
        };
    };
    createContacts: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description ID of the organization the request acts on. Optional when the access token is bound to
                 *     a specific organization, or when the integration has access to exactly one
                 *     organization.
                 * @example org_Xk7d2pQR9m3nBwYz
                 */
                "X-Organization-Id"?: components["parameters"]["OrganizationId"];
                /**
                 * @description Supply a unique key to make a mutating request safely retryable. Any retry that sends
                 *     the same key returns that stored response without performing the operation again.
                 *     Keys are kept for 24 hours; see "Idempotency".
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example [
                 *       {
                 *         "name": "Ada Lovelace",
                 *         "email": "ada@example.com",
                 *         "external_reference": null
                 *       }
                 *     ]
                 */
                "application/json": components["schemas"]["NewContact"][];
            };
        };
        responses: {
            /** @description The contacts were created. */
            201: {
                headers: {
                    "Idempotent-Replayed": components["headers"]["IdempotentReplayed"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ContactList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["IdempotencyConflict"];
            default: components["responses"]["Error"];
        };
    };
    getContact: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description ID of the organization the request acts on. Optional when the access token is bound to
                 *     a specific organization, or when the integration has access to exactly one
                 *     organization.
                 * @example org_Xk7d2pQR9m3nBwYz
                 */
                "X-Organization-Id"?: components["parameters"]["OrganizationId"];
            };
            path: {
                contact_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The contact. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Contact"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Error"];
        };
    };
    listVehicles: {
        parameters: {
            query?: {
                /** @description How many objects to return, 1 to 100. */
                limit?: components["parameters"]["Limit"];
                /** @description Id of the last vehicle of the previous page. */
                starting_after?: string;
            };
            header?: {
                /**
                 * @description ID of the organization the request acts on. Optional when the access token is bound to
                 *     a specific organization, or when the integration has access to exactly one
                 *     organization.
                 * @example org_Xk7d2pQR9m3nBwYz
                 */
                "X-Organization-Id"?: components["parameters"]["OrganizationId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of vehicles. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VehicleList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Error"];
        };
    };
    getVehicle: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description ID of the organization the request acts on. Optional when the access token is bound to
                 *     a specific organization, or when the integration has access to exactly one
                 *     organization.
                 * @example org_Xk7d2pQR9m3nBwYz
                 */
                "X-Organization-Id"?: components["parameters"]["OrganizationId"];
            };
            path: {
                vehicle_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The vehicle. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Vehicle"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Error"];
        };
    };
    listDistributions: {
        parameters: {
            query?: {
                /** @description How many objects to return, 1 to 100. */
                limit?: components["parameters"]["Limit"];
                /** @description Id of the last distribution of the previous page. */
                starting_after?: string;
            };
            header?: {
                /**
                 * @description ID of the organization the request acts on. Optional when the access token is bound to
                 *     a specific organization, or when the integration has access to exactly one
                 *     organization.
                 * @example org_Xk7d2pQR9m3nBwYz
                 */
                "X-Organization-Id"?: components["parameters"]["OrganizationId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of distributions, newest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DistributionList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Error"];
        };
    };
    createDistributions: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description ID of the organization the request acts on. Optional when the access token is bound to
                 *     a specific organization, or when the integration has access to exactly one
                 *     organization.
                 * @example org_Xk7d2pQR9m3nBwYz
                 */
                "X-Organization-Id"?: components["parameters"]["OrganizationId"];
                /**
                 * @description Supply a unique key to make a mutating request safely retryable. Any retry that sends
                 *     the same key returns that stored response without performing the operation again.
                 *     Keys are kept for 24 hours; see "Idempotency".
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewDistribution"][];
            };
        };
        responses: {
            /** @description Distribution created */
            201: {
                headers: {
                    "Idempotent-Replayed": components["headers"]["IdempotentReplayed"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DistributionList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["IdempotencyConflict"];
            default: components["responses"]["Error"];
        };
    };
    getDistribution: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description ID of the organization the request acts on. Optional when the access token is bound to
                 *     a specific organization, or when the integration has access to exactly one
                 *     organization.
                 * @example org_Xk7d2pQR9m3nBwYz
                 */
                "X-Organization-Id"?: components["parameters"]["OrganizationId"];
            };
            path: {
                distribution_id: components["parameters"]["DistributionId"];
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
                    "application/json": components["schemas"]["Distribution"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Error"];
        };
    };
    listDistributionPayments: {
        parameters: {
            query?: {
                /** @description How many objects to return, 1 to 100. */
                limit?: components["parameters"]["Limit"];
                /** @description Id of the last payment of the previous page. */
                starting_after?: string;
            };
            header?: {
                /**
                 * @description ID of the organization the request acts on. Optional when the access token is bound to
                 *     a specific organization, or when the integration has access to exactly one
                 *     organization.
                 * @example org_Xk7d2pQR9m3nBwYz
                 */
                "X-Organization-Id"?: components["parameters"]["OrganizationId"];
            };
            path: {
                distribution_id: components["parameters"]["DistributionId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of the distribution's payments, in submitted order. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaymentList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Error"];
        };
    };
    listPaymentNotifications: {
        parameters: {
            query?: {
                /** @description How many objects to return, 1 to 100. */
                limit?: components["parameters"]["Limit"];
                /** @description Id of the last notification of the previous page. */
                starting_after?: string;
            };
            header?: {
                /**
                 * @description ID of the organization the request acts on. Optional when the access token is bound to
                 *     a specific organization, or when the integration has access to exactly one
                 *     organization.
                 * @example org_Xk7d2pQR9m3nBwYz
                 */
                "X-Organization-Id"?: components["parameters"]["OrganizationId"];
            };
            path: {
                payment_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of the payment's notifications, in submitted order. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotificationList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Error"];
        };
    };
}
