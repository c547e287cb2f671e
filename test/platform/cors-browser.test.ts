import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import type { Sandbox } from '../../src/sandbox.js';
import { PATH, SANDBOX_AUTH } from '../norcap/helpers.js';
import { ENTITY_1, SANDBOX_CLIENT } from '../nova/helpers.js';
import { browserForTests, launchBrowser } from '../support/browser.js';
import { testSandbox } from '../support/harness.js';

// A real browser on a shared 2-core machine: a guard against a hang, not a wait.
jest.setTimeout(60_000);

/** Undefined (and a notice printed) when no browser is installed outside CI: the block is skipped. */
const browserPath = browserForTests();

/** What the page's fetch came back with: an answer it may read, or the browser's refusal. */
type FetchOutcome = { ok: true; status: number; body: unknown; replayed: string | null; challenge: string | null } | { ok: false; error: string };

(browserPath ? describe : describe.skip)('CORS from a page on another origin, in a real browser', () => {
  let browser: Browser;
  let pageServer: Server;
  let pageOrigin: string;

  beforeAll(async () => {
    // The page's own origin: a tiny server on another port (another origin) serving a blank page.
    pageServer = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>client app</title>'));
    pageServer.listen(0, '127.0.0.1');
    await once(pageServer, 'listening');
    pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
    browser = await launchBrowser(browserPath as string);
  });
  afterAll(async () => {
    await browser?.close();
    pageServer?.close();
  });

  /** A sandbox listening on port 0 and a page on the other origin; both closed by `finish`. */
  async function setUp(cors: boolean): Promise<{ sb: Sandbox; url: string; page: Page; finish: () => Promise<void> }> {
    const sb = await testSandbox({ cors });
    const url = await sb.start(0);
    expect(new URL(url).origin).not.toBe(pageOrigin);
    const page = await browser.newPage();
    await page.goto(`${pageOrigin}/`);
    return { sb, url, page, finish: async () => (await page.close(), await sb.stop()) };
  }

  /** `fetch` run inside the page, as a browser app would call the sandbox. */
  function pageFetch(page: Page, url: string, init: { method?: string; headers?: Record<string, string>; body?: string }): Promise<FetchOutcome> {
    return page.evaluate(async ({ url, init }) => {
      try {
        const res = await fetch(url, init);
        const text = await res.text();
        return { ok: true as const, status: res.status, body: text ? JSON.parse(text) : null, replayed: res.headers.get('Idempotent-Replayed'), challenge: res.headers.get('WWW-Authenticate') };
      } catch (error) {
        return { ok: false as const, error: String(error) };
      }
    }, { url, init });
  }

  test('CORS on (the default): NorCap with Authorization, Nova token then an idempotent create, all readable by the page', async () => {
    const { sb, url, page, finish } = await setUp(true);
    try {
      const list = await pageFetch(page, `${url}${PATH}`, { headers: { Authorization: SANDBOX_AUTH } });
      expect(list).toMatchObject({ ok: true, status: 200, body: { statusCode: '101', custody_distributions: [] } });

      const refused = await pageFetch(page, `${url}${PATH}`, { headers: { Authorization: 'Bearer sandbox:wrong' } });
      expect(refused).toMatchObject({ ok: true, status: 401, body: { statusCode: '1401' }, challenge: 'Bearer realm="norcap"' }); // exposed

      const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: SANDBOX_CLIENT.id, client_secret: SANDBOX_CLIENT.secret }).toString();
      const token = await pageFetch(page, `${url}/oauth/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form });
      expect(token).toMatchObject({ ok: true, status: 200, body: { token_type: 'Bearer', expires_in: 3600 } });
      const accessToken = (token as { body: { access_token: string } }).body.access_token;

      const create = {
        method: 'POST',
        headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json', 'Idempotency-Key': 'browser-1', 'X-Organization-Id': 'org_Xk7d2pQR9m3nBwYz' },
        body: JSON.stringify([{ name: 'Browser Contact', email: 'browser@example.com' }]),
      };
      const first = await pageFetch(page, `${url}/v1/contacts`, create);
      expect(first).toMatchObject({ ok: true, status: 201, replayed: null, body: { object: 'list', data: [{ object: 'contact', name: 'Browser Contact' }] } });
      const again = await pageFetch(page, `${url}/v1/contacts`, create);
      expect(again).toMatchObject({ ok: true, status: 201, replayed: 'true' }); // an exposed header the page can read
      expect((again as { body: unknown }).body).toEqual((first as { body: unknown }).body);

      const entity = await pageFetch(page, `${url}/v1/entities/${ENTITY_1}`, { headers: { Authorization: `Bearer ${accessToken}` } });
      expect(entity).toMatchObject({ ok: true, status: 200, body: { id: ENTITY_1 } });
      // The create happened once: the contact list holds it once.
      const contacts = await pageFetch(page, `${url}/v1/contacts?limit=100`, { headers: { Authorization: `Bearer ${accessToken}` } });
      expect(contacts).toMatchObject({ ok: true, status: 200 });
      const names = (contacts as { body: { data: { name: string }[] } }).body.data.map((c) => c.name);
      expect(names.filter((name) => name === 'Browser Contact')).toHaveLength(1);
      expect(sb.journal.list({ path: '/v1/contacts' }).entries.filter((e) => e.method === 'OPTIONS')).toEqual([]); // preflights are not journaled
    } finally {
      await finish();
    }
  });

  test('cors: false: the browser refuses the same call (the page cannot read the answer)', async () => {
    const { sb, url, page, finish } = await setUp(false);
    try {
      const list = await pageFetch(page, `${url}${PATH}`, { headers: { Authorization: SANDBOX_AUTH } });
      expect(list).toEqual({ ok: false, error: 'TypeError: Failed to fetch' });
      // The preflight reached the server and was refused like any unauthenticated request.
      expect(sb.journal.list({}).entries.map((e) => [e.method, e.path, e.status])).toEqual([['OPTIONS', PATH, 401]]);
    } finally {
      await finish();
    }
  });
});
