import { resolvedSpec } from './spec-schemas.js';
import type { Redactor } from './redact.js';
import type { Transport } from './http.js';
import type { AuthMode, HttpAnswer, HttpRequest, VerifyApi } from './types.js';

/** Authentication was refused (or the token endpoint failed): the run exits 2. */
export class AuthRefusedError extends Error {}

export interface AuthSettings {
  clientId: string;
  secret: string;
  /** Nova: where tokens come from (default: the spec's `tokenUrl`, against the side's base URL). */
  tokenUrl?: string;
  /** Nova: how the client authenticates at the token endpoint (default `basic`). */
  method?: 'basic' | 'form';
}

/**
 * Authenticates one side's requests as the real API wants: NorCap `Bearer clientId:apiKey`;
 * Nova an OAuth2 client_credentials token from the token URL (HTTP Basic or form), fetched
 * once and fetched again when a request is answered 401. Every secret goes to the redactor.
 */
export class Authenticator {
  private token: string | undefined;
  /** The answers of the token requests made, for the report (`issueToken`). */
  readonly tokenAnswers: HttpAnswer[] = [];

  constructor(
    readonly api: VerifyApi,
    private readonly settings: AuthSettings,
    private readonly transport: Transport,
    private readonly redactor: Redactor,
  ) {
    redactor.add(settings.secret);
    redactor.add(basic(settings.clientId, settings.secret).slice('Basic '.length));
  }

  /** The spec's token URL (`components.securitySchemes.oauth2…tokenUrl`) unless overridden. */
  tokenUrl(): string {
    if (this.settings.tokenUrl) return this.settings.tokenUrl;
    const scheme = Object.values(resolvedSpec('nova').securitySchemes).find((s) => s.flows?.clientCredentials);
    return scheme?.flows?.clientCredentials?.tokenUrl ?? '/oauth/token';
  }

  /** The token request itself (a case step sends it too, to compare the token endpoint). */
  tokenRequest(mode: AuthMode = 'credentials', method = this.settings.method): HttpRequest {
    const secret = mode === 'wrong-secret' ? `${this.settings.secret}-wrong` : this.settings.secret;
    const form: Record<string, string> = { grant_type: 'client_credentials' };
    const headers: Record<string, string> = {};
    if (method === 'form') Object.assign(form, { client_id: this.settings.clientId, client_secret: secret });
    else headers.authorization = basic(this.settings.clientId, secret);
    return { method: 'POST', path: this.tokenUrl(), form, headers, auth: 'none' };
  }

  async headers(mode: AuthMode, refresh = false): Promise<Record<string, string>> {
    if (mode === 'none') return {};
    if (this.api === 'norcap') {
      const key = mode === 'wrong-secret' ? `${this.settings.secret}-wrong` : mode === 'bogus' ? 'not-a-key' : this.settings.secret;
      return { authorization: `Bearer ${this.settings.clientId}:${key}` };
    }
    if (mode === 'bogus') return { authorization: 'Bearer verify-not-a-token' };
    if (!this.token || refresh) this.token = await this.fetchToken();
    return { authorization: `Bearer ${this.token}` };
  }

  /** Sends a request with this side's authentication, fetching a fresh token once on a 401. */
  async send(request: HttpRequest): Promise<HttpAnswer> {
    const answer = await this.transport.send(request, await this.headers(request.auth));
    if (answer.status === 401 && request.auth === 'credentials' && this.api === 'nova') {
      return this.transport.send(request, await this.headers(request.auth, true));
    }
    return answer;
  }

  private async fetchToken(): Promise<string> {
    const answer = await this.transport.send(this.tokenRequest(), {});
    this.tokenAnswers.push(answer);
    const token = (answer.body as { access_token?: unknown } | undefined)?.access_token;
    if (answer.status !== 200 || typeof token !== 'string') {
      throw new AuthRefusedError(`authentication refused by ${this.transport.baseUrl}: the token request answered ${answer.status} ${this.redactor.text(answer.text.slice(0, 200))}`);
    }
    this.redactor.add(token);
    return token;
  }
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}
