// (h) round trips: how many queries each operation sends to PostgreSQL, counted at
// pg.Client.prototype.query (node-postgres sends one query per round trip; it does not
// pipeline), on an in-process sandbox of the built package. The same figure as
// test/store/round-trips.test.ts, which fails when one exceeds its budget; here it is reported.
/* global fetch, URLSearchParams */
import pg from 'pg';
import { CONSOLE_APPLICATION_NAME } from '../dist/backends/postgres/console-channel.js';
import { createSandbox } from '../dist/index.js';
import { NOVA_ITEM, NOVA_ORG } from './harness.js';

const OPERATIONS = [
  ['NorCap GET by id', 'read'],
  ['NorCap list', 'read'],
  ['NorCap create', 'write'],
  ['Nova token', 'write'],
  ['Nova GET by id', 'read'],
  ['Nova list', 'read'],
  ['Nova create, no key', 'write'],
  ['Nova create, fresh key', 'write'],
  ['Nova distribution create, fresh key', 'write'],
];

/** Resolves `{ [operation]: { kind, roundTrips } }` for a sandbox on `url` (its own schema). */
export async function countRoundTrips(url) {
  const schema = `bench_rt_${process.pid}`;
  const sb = await createSandbox({ seed: 1, database: url, databaseSchema: schema });
  const original = pg.Client.prototype.query;
  let count = 0;
  try {
    const base = await sb.start(0);
    const send = async (method, path, options = {}) => {
      const headers = { ...(options.headers ?? {}) };
      let body;
      if (options.form) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = new URLSearchParams(options.form).toString();
      } else if (options.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(options.body);
      }
      const res = await fetch(base + path, { method, headers, body });
      const json = await res.json();
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const norcap = { authorization: 'Bearer sandbox:sandbox_api_key' };
    const item = { newDistributions: [{ brokerageAccountId: 'NC95156', amountCents: 100, accountId: 'A1234567890' }] };
    const created = await send('POST', '/v3/custody/distributions', { headers: norcap, body: item });
    const norcapId = created.distributions[0].id;
    const { access_token: token } = await send('POST', '/oauth/token', { form: { grant_type: 'client_credentials', client_id: 'sandbox_client', client_secret: 'sandbox_secret' } });
    const nova = { authorization: `Bearer ${token}` };
    const contact = await send('POST', '/v1/contacts', { headers: nova, body: [{ name: 'Ada', email: 'ada@example.com' }] });
    const contactId = contact.data[0].id;
    let key = 0;
    const requests = {
      'NorCap GET by id': () => send('GET', `/v3/custody/distributions/${norcapId}`, { headers: norcap }),
      'NorCap list': () => send('GET', '/v3/custody/distributions?limit=10', { headers: norcap }),
      'NorCap create': () => send('POST', '/v3/custody/distributions', { headers: norcap, body: item }),
      'Nova token': () => send('POST', '/oauth/token', { form: { grant_type: 'client_credentials', client_id: 'multi_org_client', client_secret: 'multi_org_secret' } }),
      'Nova GET by id': () => send('GET', `/v1/contacts/${contactId}`, { headers: nova }),
      'Nova list': () => send('GET', '/v1/contacts?limit=5', { headers: nova }),
      'Nova create, no key': () => send('POST', '/v1/contacts', { headers: nova, body: [{ name: 'Bo', email: 'bo@example.com' }] }),
      'Nova create, fresh key': () => send('POST', '/v1/contacts', { headers: { ...nova, 'idempotency-key': `bench-${key++}` }, body: [{ name: 'Cy', email: 'cy@example.com' }] }),
      // What (b) and (h) load: the reference's distribution, its vehicle, entity and contact read together.
      'Nova distribution create, fresh key': () => send('POST', '/v1/distributions', { headers: { ...nova, 'x-organization-id': NOVA_ORG, 'idempotency-key': `bench-d-${key++}` }, body: [NOVA_ITEM] }),
    };
    pg.Client.prototype.query = function counted(...args) {
      // The console's connection writes the journal behind, in batches: not a request's round trip.
      if (this.connectionParameters?.application_name !== CONSOLE_APPLICATION_NAME) count++;
      return original.apply(this, args);
    };
    const out = {};
    for (const [name, kind] of OPERATIONS) {
      await requests[name](); // warm
      count = 0;
      await requests[name]();
      out[name] = { kind, roundTrips: count };
    }
    return out;
  } finally {
    pg.Client.prototype.query = original;
    await sb.stop();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}
