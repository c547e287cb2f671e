import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import type { Sandbox } from '../../src/sandbox.js';
import { browserForTests, launchBrowser } from '../support/browser.js';
import { testSandbox } from '../support/harness.js';

// A real browser on a shared 2-core machine: a guard against a hang, not a wait.
jest.setTimeout(90_000);

const browserPath = browserForTests();

/** The page's globals as the callbacks run there see them (this tsconfig has no DOM lib). */
type PageGlobals = { document: { querySelectorAll(selector: string): { length: number }; cookie: string }; __pwned?: number };
const NORCAP = 'Bearer sandbox:sandbox_api_key';
const HOSTILE = '<img src=x onerror="window.__pwned=1">';
const CLOSE_SCRIPT = '</script><script>window.__pwned=2</script>';

(browserPath ? describe : describe.skip)('the console in a real browser (headless Chromium)', () => {
  let sb: Sandbox;
  let url: string;
  let browser: Browser;
  let other: Server;
  let otherUrl: string;
  const offsite: string[] = [];

  beforeAll(async () => {
    sb = await testSandbox({ autoAdvance: true });
    url = await sb.start(0);
    browser = await launchBrowser(browserPath as string);
    // Another origin (another port): a page there tries the console's stream and buttons.
    other = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>elsewhere</title>'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => other?.close(resolve));
    await sb?.stop();
  });

  async function openConsole(context = browser): Promise<Page> {
    const page = await context.newPage();
    page.on('request', (req) => {
      if (!req.url().startsWith(url) && !req.url().startsWith('data:') && !req.url().startsWith(otherUrl)) offsite.push(req.url());
    });
    page.on('dialog', (dialog) => void dialog.dismiss());
    await page.goto(`${url}/console`);
    await page.locator('#connection.live').waitFor();
    return page;
  }

  /** Waits, on the page's own DOM, until `selector` matches exactly `n` elements. */
  const waitForCount = (page: Page, selector: string, n: number) =>
    page.waitForFunction(([sel, count]) => (globalThis as unknown as PageGlobals).document.querySelectorAll(sel as string).length === count, [selector, n] as const);
  const rowWith = (page: Page, text: string) => page.locator('#rows tr', { hasText: text });
  const norcapCreate = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}/v3/custody/distributions`, { method: 'POST', headers: { Authorization: NORCAP, 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const good = { newDistributions: [{ brokerageAccountId: 'NC95156', amountCents: 4321, accountId: 'A1234567890' }] };

  test('requests sent from outside the page appear live with their verdict; a failing row shows its violation; cURL has no secret', async () => {
    const page = await openConsole();
    expect((await norcapCreate(good)).status).toBe(200);
    expect((await norcapCreate({ newDistributions: [{ brokerageAccountId: 'NC95156', amountCents: 'many', accountId: 'A1234567890' }] })).status).toBe(400);

    const failed = page.locator('#rows tr.failed', { hasText: '400' });
    await failed.waitFor();
    await rowWith(page, '200').first().waitFor();
    expect(await rowWith(page, '200').first().locator('.verdict').textContent()).toBe('matched');
    expect(await failed.locator('.verdict').textContent()).toBe('failed');

    await failed.click();
    const violation = page.locator('#detail .violation');
    await violation.waitFor();
    expect(await violation.locator('.v-pointer').textContent()).toBe('/newDistributions/0/amountCents');
    expect(await violation.locator('.v-expected').textContent()).toBe('must be integer');
    expect(await violation.locator('.v-actual').textContent()).toBe('"many"');
    expect(await violation.locator('.v-spec-operation').textContent()).toBe('createDistributions (POST /v3/custody/distributions)');
    const curl = (await page.locator('#detail-curl').textContent()) as string;
    expect(curl).toContain(`curl -i -X POST '${url}/v3/custody/distributions'`);
    expect(curl).toContain("'authorization: Bearer sandbox:[masked]'");
    expect(curl).not.toContain('sandbox_api_key');
    expect(await page.content()).not.toContain('sandbox_api_key');

    // Filters: failed only, then a path text that matches nothing.
    await page.check('#filter-failed');
    expect(await page.locator('#rows tr:not([hidden])').count()).toBe(await page.locator('#rows tr.failed').count());
    await page.uncheck('#filter-failed');
    await page.fill('#filter-path', 'no-such-path');
    await waitForCount(page, '#rows tr:not([hidden])', 0);
    await page.fill('#filter-path', '');
    await page.close();
  });

  test('hostile path, headers and body are shown as text and run nothing', async () => {
    const page = await openConsole();
    const res = await fetch(`${url}/v3/custody/distributions?q=${encodeURIComponent(HOSTILE)}`, {
      method: 'POST',
      headers: { Authorization: NORCAP, 'Content-Type': 'application/json', 'X-Evil': `${CLOSE_SCRIPT}${HOSTILE}` },
      body: JSON.stringify({ newDistributions: [{ brokerageAccountId: HOSTILE, amountCents: 1, accountId: CLOSE_SCRIPT }] }),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    const row = page.locator('#rows tr', { hasText: 'onerror' });
    await row.waitFor();
    await row.click();
    await page.locator('#detail-body pre.body').first().waitFor();
    const detail = (await page.locator('#detail').textContent()) as string;
    expect(detail).toContain(HOSTILE);
    expect(detail).toContain(CLOSE_SCRIPT);
    expect(await page.locator('#detail img, #rows img, #timeline img, script:not([src])').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__pwned)).toBeUndefined();
    await page.close();
  });

  test('a fault armed on the page marks the next matching request; the clock advance moves distributions; a lifecycle button moves one', async () => {
    const page = await openConsole();
    await page.click('[data-tab="faults"]');
    await page.fill('#fault-path', '/v3/custody/distributions');
    await page.fill('#fault-status', '503');
    await page.click('#fault-form button[type="submit"]');
    const armed = page.locator('#faults tr[data-id]');
    await armed.waitFor();
    const faultId = (await armed.getAttribute('data-id')) as string;

    expect((await norcapCreate(good)).status).toBe(503);
    await page.click('[data-tab="journal"]');
    const marked = page.locator('#rows tr', { hasText: `fault #${faultId.replace('flt_', '')}` });
    await marked.waitFor();
    expect(await marked.locator('.status').textContent()).toBe('503');
    await page.click('[data-tab="faults"]');
    await page.locator('#faults td.none').waitFor(); // used up

    // A pending distribution, then one minute: auto-advance takes it to processing.
    const created = (await (await norcapCreate(good)).json()) as { distributions: { id: string }[] };
    const id = created.distributions[0]!.id;
    await page.click('[data-tab="clock"]');
    await page.click('[data-advance="60"]');
    await page.locator('#clock-moved li', { hasText: id }).waitFor();
    expect(await page.locator('#clock-moved li', { hasText: id }).textContent()).toContain('pending → processing');
    await page.locator('#clock-offset', { hasText: 'offset 60 s' }).waitFor();

    await page.click('[data-tab="records"]');
    const record = page.locator(`#records tr[data-id="${id}"]`);
    await record.locator('.badge', { hasText: 'processing' }).waitFor();
    // From processing: completed or failed only; the others are disabled, with the reason.
    const pending = record.locator('button[data-move="pending"]');
    expect(await pending.isDisabled()).toBe(true);
    expect(await pending.getAttribute('title')).toBe("from 'processing' it can go to: completed, failed");
    await record.locator('button[data-move="completed"]').click();
    await record.locator('.badge', { hasText: 'completed' }).waitFor();
    expect(await record.locator('button:not([disabled])').count()).toBe(0);
    expect(await record.locator('.history').textContent()).toMatch(/pending → processing \(clock\).*processing → completed/);

    await page.click('[data-tab="timeline"]');
    await page.locator('#timeline li.lifecycle', { hasText: `${id} moved processing → completed` }).waitFor();
    await page.locator('#timeline li.fault_armed', { hasText: faultId }).waitFor();
    await page.locator('#timeline li.clock', { hasText: 'clock advanced 60 s' }).waitFor();
    await page.close();
  });

  test('reloading mid-stream loses no row and repeats none', async () => {
    const page = await openConsole();
    const before = await page.locator('#rows tr').count();
    for (let i = 0; i < 3; i++) await fetch(`${url}/v3/custody/distributions?limit=${i + 1}`, { headers: { Authorization: NORCAP } });
    await rowWith(page, 'limit=3').waitFor();
    await page.reload();
    await page.locator('#connection.live').waitFor();
    for (let i = 3; i < 5; i++) await fetch(`${url}/v3/custody/distributions?limit=${i + 1}`, { headers: { Authorization: NORCAP } });
    await rowWith(page, 'limit=5').waitFor();
    await waitForCount(page, '#rows tr', before + 5);
    const seqs = await page.locator('#rows tr').evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: { seq?: string } }).dataset.seq));
    expect(new Set(seqs).size).toBe(seqs.length);
    await page.close();
  });

  test('the coverage grid opens the journal filtered to a cell', async () => {
    const page = await openConsole();
    await page.click('[data-tab="coverage"]');
    const cell = page.locator('#coverage button.cell[data-api="norcap"][data-operation="createDistributions"][data-status="400"]');
    await cell.waitFor();
    await cell.click();
    await page.locator('#tab-journal:not([hidden])').waitFor();
    const shown = await page.locator('#rows tr:not([hidden]) .status').allTextContents();
    expect(shown.length).toBeGreaterThan(0);
    expect(new Set(shown)).toEqual(new Set(['400']));
    await page.close();
  });

  test('the guided first run in a new workspace fills its own journal, settles its distributions, and the default console never sees it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${url}/console`);
    await page.locator('#connection.live').waitFor();
    const defaultRows = await page.locator('#rows tr').count();
    expect(defaultRows).toBeGreaterThan(0);
    await page.click('#header-new-workspace');
    await page.locator('#workspace', { hasText: 'workspace ws_' }).waitFor();
    await page.locator('#connection.live').waitFor();
    await waitForCount(page, '#rows tr', 0);

    // The cookie holds the key, HttpOnly and SameSite=Strict: no script can read it.
    const cookie = (await context.cookies()).find((c) => c.name === 'sandbox_console');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(cookie!.value).toMatch(/^wsk_/);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.cookie)).not.toContain('wsk_');

    for (const step of ['norcap-create', 'nova-token', 'nova-create', 'settle']) {
      await page.click(`[data-step="${step}"]`);
      await page.locator(`[data-result="${step}"].done`).waitFor();
    }
    await page.click('[data-tab="journal"]');
    await rowWith(page, '/v3/custody/distributions').waitFor();
    await rowWith(page, '/oauth/token').waitFor();
    await rowWith(page, '/v1/distributions').waitFor();
    expect(await page.locator('#rows tr.failed').count()).toBe(0);
    await page.click('[data-tab="records"]');
    await page.locator('#records tr', { hasText: 'completed' }).waitFor();
    await page.locator('#records tr', { hasText: 'executed' }).waitFor();
    expect(await page.content()).not.toContain(cookie!.value);

    // The default workspace's console (another browser, no cookie) never got those rows.
    const theirs = await openConsole();
    expect(await rowWith(theirs, '/oauth/token').count()).toBe(0);
    expect(await theirs.locator('#records tr', { hasText: 'executed' }).count()).toBe(0);
    await theirs.close();
    await context.close();
  });

  test('a page on another origin can neither read the stream nor press a button', async () => {
    const page = await browser.newPage();
    await page.goto(otherUrl);
    const outcome = await page.evaluate(async (target) => {
      const read = await fetch(`${target}/console/stream`, { headers: { Accept: 'text/event-stream' } }).then(
        (r) => `read ${r.status}`,
        () => 'blocked',
      );
      const sse = await new Promise<string>((resolve) => {
        const source = new EventSource(`${target}/console/stream`);
        source.addEventListener('hello', () => resolve('got data'));
        source.onerror = () => {
          source.close();
          resolve('error');
        };
      });
      const press = await fetch(`${target}/_sandbox/faults`, { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify({ method: '*', path: '*', status: 500 }) }).then(
        () => 'sent',
        () => 'blocked',
      );
      return { read, sse, press };
    }, url);
    expect(outcome.read).toBe('blocked');
    expect(outcome.sse).toBe('error');
    expect((await (await fetch(`${url}/_sandbox/faults`)).json()) as { faults: unknown[] }).toEqual({ faults: [] });
    await page.close();
  });

  test("nothing is fetched from anywhere but this server, and the console's own requests are not journaled", async () => {
    expect(offsite).toEqual([]);
    const journal = (await (await fetch(`${url}/_sandbox/requests?limit=1000`)).json()) as { entries: { path: string }[] };
    expect(journal.entries.filter((e) => e.path === '/favicon.ico' || e.path.startsWith('/console'))).toEqual([]);
  });

  // Last: it empties the journal the test above reads.
  test('Clear empties the table and the journal; a request after it shows', async () => {
    const page = await openConsole();
    expect((await norcapCreate(good)).status).toBe(200);
    await rowWith(page, '200').first().waitFor();
    await page.click('#clear');
    await waitForCount(page, '#rows tr', 0);
    expect(((await (await fetch(`${url}/_sandbox/requests`)).json()) as { entries: unknown[] }).entries).toEqual([]);
    expect((await fetch(`${url}/v3/custody/distributions?limit=1`, { headers: { Authorization: NORCAP } })).status).toBe(200);
    await waitForCount(page, '#rows tr', 1);
    await page.close();
  });
});
