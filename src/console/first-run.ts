import { request as httpRequest } from 'node:http';
import type { Request } from 'express';
import { fail } from '../core/errors.js';
import type { Workspace } from '../workspaces/registry.js';

/** What the guided first run sends with: a workspace's own credentials and ids (never sent to the page). */
export interface FirstRunCredentials {
  norcap: { clientId: string; apiKey: string; brokerageAccount: string; account: string };
  nova: { clientId: string; clientSecret: string; organization: string; vehicle: string; entity: string; contact: string };
}

/** The default workspace's: the README's fixture credentials. */
export const DEFAULT_FIRST_RUN: FirstRunCredentials = {
  norcap: { clientId: 'sandbox', apiKey: 'sandbox_api_key', brokerageAccount: 'NC95156', account: 'A1234567890' },
  nova: { clientId: 'sandbox_client', clientSecret: 'sandbox_secret', organization: 'org_Xk7d2pQR9m3nBwYz', vehicle: 'veh_pNvehE6O1KjY2W6Omq9MD3QAEs5w', entity: 'ent_H0hdMOc5E5QMTEcGVZKegvLNCB6p', contact: 'cnt_tSfCZrNE8O3c4QATSkzuCljMZ2DI' },
};

export const FIRST_RUN_STEPS = ['norcap-create', 'nova-token', 'nova-create', 'settle'] as const;
export type FirstRunStep = (typeof FIRST_RUN_STEPS)[number];

interface Answer {
  status: number;
  body: unknown;
}

/**
 * The guided first run: each step is a real HTTP request to this very server (through its
 * socket, with the Host the console was reached by), with the workspace's own credentials, so
 * it lands in the journal like any client's: a NorCap create, a Nova token, a Nova
 * distribution (with an Idempotency-Key), then a clock advance that settles them (and, without
 * `--auto-advance`, the lifecycle moves that advance would have made).
 */
export class FirstRun {
  private readonly credentials = new WeakMap<Workspace, FirstRunCredentials>();
  private readonly tokens = new WeakMap<Workspace, string>();
  private readonly created = new WeakMap<Workspace, { norcap?: string; nova?: string }>();

  constructor(
    private readonly defaultWorkspace: Workspace,
    private readonly autoAdvance: boolean,
  ) {}

  /** Remembers a workspace's credentials (the console created it: its secrets were never shown). */
  remember(workspace: Workspace, credentials: FirstRunCredentials): void {
    this.credentials.set(workspace, credentials);
  }

  available(workspace: Workspace): boolean {
    return this.credentialsOf(workspace) !== undefined;
  }

  private credentialsOf(workspace: Workspace): FirstRunCredentials | undefined {
    return workspace === this.defaultWorkspace ? DEFAULT_FIRST_RUN : this.credentials.get(workspace);
  }

  /** Runs one step; `controlAuth` is what the console's own control calls carry (its cookie's secret). */
  async run(req: Request, workspace: Workspace, step: string, controlAuth: string | undefined): Promise<{ step: string; requests: { method: string; path: string; status: number }[] }> {
    const credentials = this.credentialsOf(workspace);
    if (!credentials) {
      fail({ kind: 'rule', status: 409, message: 'the guided first run needs this workspace\'s API credentials, which only a workspace created from the console keeps: press "New workspace" in the console' });
    }
    const sent: { method: string; path: string; status: number }[] = [];
    const send = async (method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> => {
      const answer = await selfRequest(req, method, path, headers, body);
      sent.push({ method, path, status: answer.status });
      return answer;
    };
    const control: Record<string, string> = controlAuth ? { Authorization: `Bearer ${controlAuth}` } : {};
    const ids = this.created.get(workspace) ?? {};
    this.created.set(workspace, ids);
    const { norcap, nova } = credentials;
    switch (step as FirstRunStep) {
      case 'norcap-create': {
        const answer = await send('POST', '/v3/custody/distributions', { Authorization: `Bearer ${norcap.clientId}:${norcap.apiKey}`, 'Content-Type': 'application/json' }, JSON.stringify({ newDistributions: [{ brokerageAccountId: norcap.brokerageAccount, amountCents: 125000, accountId: norcap.account }] }));
        const id = (answer.body as { distributions?: { id?: string }[] } | undefined)?.distributions?.[0]?.id;
        if (id) ids.norcap = id;
        break;
      }
      case 'nova-token': {
        const answer = await send('POST', '/oauth/token', { Authorization: `Basic ${Buffer.from(`${nova.clientId}:${nova.clientSecret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' }, 'grant_type=client_credentials');
        const token = (answer.body as { access_token?: string } | undefined)?.access_token;
        if (token) this.tokens.set(workspace, token);
        break;
      }
      case 'nova-create': {
        let token = this.tokens.get(workspace);
        if (!token) {
          await this.run(req, workspace, 'nova-token', controlAuth).then((r) => sent.push(...r.requests));
          token = this.tokens.get(workspace);
        }
        const date = '2024-04-20T00:00:00Z';
        const answer = await send(
          'POST',
          '/v1/distributions',
          { Authorization: `Bearer ${token ?? ''}`, 'X-Organization-Id': nova.organization, 'Content-Type': 'application/json', 'Idempotency-Key': `first-run-${Date.now().toString(36)}` },
          JSON.stringify([{ name: 'First run distribution', distribution_date: date, vehicle: nova.vehicle, payments: [{ amount: 1000, currency: 'USD', entity: nova.entity, notifications: [{ contact: nova.contact }], distribution_date_override: date }], external_reference: 'first-run' }]),
        );
        const id = (answer.body as { data?: { id?: string }[] } | undefined)?.data?.[0]?.id;
        if (id) ids.nova = id;
        break;
      }
      case 'settle': {
        await send('POST', '/_sandbox/clock/advance', { ...control, 'Content-Type': 'application/json' }, JSON.stringify({ seconds: 180 }));
        if (!this.autoAdvance) {
          // What --auto-advance would have done over those three minutes, move by move.
          const moves: [string, string | undefined, string[]][] = [
            ['norcap', ids.norcap, ['processing', 'completed']],
            ['nova', ids.nova, ['published', 'approved', 'executed']],
          ];
          for (const [api, id, statuses] of moves) {
            if (!id) continue;
            for (const status of statuses) await send('POST', `/_sandbox/${api}/distributions/${encodeURIComponent(id)}/status`, { ...control, 'Content-Type': 'application/json' }, JSON.stringify({ status }));
          }
        }
        break;
      }
      default:
        fail({ kind: 'not_found', status: 404, message: `no first-run step '${step}': the steps are ${FIRST_RUN_STEPS.join(', ')}` });
    }
    return { step, requests: sent };
  }
}

/** One request to this server through the socket the console request came in on. */
function selfRequest(req: Request, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  const address = req.socket.localAddress ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: address.replace(/^::ffff:/, ''), port: req.socket.localPort, method, path, headers: { ...headers, Host: req.get('Host') ?? `127.0.0.1:${req.socket.localPort}`, ...(body !== undefined && { 'Content-Length': String(Buffer.byteLength(body)) }) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: kept as text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
