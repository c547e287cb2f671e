// `node scripts/console-screenshots.mjs` (after `npm run build`): the README's console
// screenshots, taken in Chromium (playwright-core, an installed browser: CHROME_PATH or
// /usr/bin/chromium) from a sandbox with some traffic in it. Writes docs/console/*.png.
import { Buffer } from 'node:buffer';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { createSandbox } from '../dist/index.js';

const { fetch } = globalThis;

const executablePath = process.env.CHROME_PATH || ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
if (!executablePath) throw new Error('no Chromium-family browser: set CHROME_PATH');
const out = new URL('../docs/console/', import.meta.url);

const sandbox = await createSandbox({ seed: 1, frozenAt: new Date('2024-04-20T12:00:00Z'), autoAdvance: true });
const url = await sandbox.start(0);
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 860 } });
  await page.goto(`${url}/console`);
  await page.locator('#connection.live').waitFor();

  const norcap = (body, extra = '') => fetch(`${url}/v3/custody/distributions${extra}`, { method: 'POST', headers: { Authorization: 'Bearer sandbox:sandbox_api_key', 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const good = { newDistributions: [{ brokerageAccountId: 'NC95156', amountCents: 125000, accountId: 'A1234567890' }] };
  await norcap(good);
  await fetch(`${url}/v3/custody/distributions?limit=10`, { headers: { Authorization: 'Bearer sandbox:sandbox_api_key' } });
  const token = (await (await fetch(`${url}/oauth/token`, { method: 'POST', headers: { Authorization: `Basic ${Buffer.from('sandbox_client:sandbox_secret').toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' })).json()).access_token;
  const date = '2024-04-20T00:00:00Z';
  const nova = JSON.stringify([{ name: 'April 20th Distribution from XYZ Sale', distribution_date: date, vehicle: 'veh_pNvehE6O1KjY2W6Omq9MD3QAEs5w', payments: [{ amount: 1000, currency: 'USD', entity: 'ent_H0hdMOc5E5QMTEcGVZKegvLNCB6p', notifications: [{ contact: 'cnt_tSfCZrNE8O3c4QATSkzuCljMZ2DI' }], distribution_date_override: date }] }]);
  const novaHeaders = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Idempotency-Key': 'april-20-xyz' };
  await fetch(`${url}/v1/distributions`, { method: 'POST', headers: novaHeaders, body: nova });
  await fetch(`${url}/v1/distributions`, { method: 'POST', headers: novaHeaders, body: nova });
  await fetch(`${url}/_sandbox/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ method: 'POST', path: '/v3/custody/distributions', status: 503 }) });
  await norcap(good);
  await norcap({ newDistributions: [{ brokerageAccountId: 'NC95156', amountCents: '12.50', accountId: 'A1234567890' }] });
  await fetch(`${url}/v1/distribution`, { headers: { Authorization: `Bearer ${token}` } });
  await fetch(`${url}/_sandbox/clock/advance`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ seconds: 120 }) });

  await page.locator('#rows tr', { hasText: '/v1/distribution' }).first().waitFor();
  await page.locator('#rows tr.failed', { hasText: '400' }).click();
  await page.locator('#detail .violation').waitFor();
  await page.screenshot({ path: new URL('journal.png', out).pathname });

  await page.click('[data-tab="timeline"]');
  await page.locator('#timeline li.clock').waitFor();
  await page.screenshot({ path: new URL('timeline.png', out).pathname });

  await page.click('[data-tab="records"]');
  await page.locator('#records tr', { hasText: 'completed' }).first().waitFor();
  await page.screenshot({ path: new URL('records.png', out).pathname });

  await page.click('[data-tab="coverage"]');
  await page.locator('#coverage button.cell.hit').first().waitFor();
  await page.screenshot({ path: new URL('coverage.png', out).pathname });
  console.log(`screenshots written to ${out.pathname}`);
} finally {
  await browser.close();
  await sandbox.stop();
}
