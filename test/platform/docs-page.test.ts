import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { parse } from 'yaml';
import type { Sandbox } from '../../src/sandbox.js';
import { browserForTests, launchBrowser } from '../support/browser.js';
import { testSandbox } from '../support/harness.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** Runs a command as a user pastes it into a shell; resolves with its output. */
async function sh(script: string): Promise<string> {
  return (await promisify(execFile)('sh', ['-c', script])).stdout;
}

// A real browser on a shared 2-core machine: a guard against a hang, not a wait.
jest.setTimeout(60_000);

const root = new URL('../../', import.meta.url);
const specNames = readdirSync(new URL('openapi/', root)).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5));
const specText = (name: string) => readFileSync(new URL(`openapi/${name}.yaml`, root), 'utf8');
/** Every credential and id in the fixture files the sandbox loads. */
const fixtureIdentifiers = readdirSync(new URL('fixtures/', root))
  .filter((f) => f.endsWith('.json'))
  .flatMap((f) => Object.values(JSON.parse(readFileSync(new URL(`fixtures/${f}`, root), 'utf8')) as Record<string, unknown>))
  .filter((value): value is Record<string, unknown>[] => Array.isArray(value))
  .flat()
  .flatMap((record) => ['id', 'clientId', 'apiKey', 'clientSecret'].map((key) => record[key]))
  .filter((value): value is string => typeof value === 'string');

/** Undefined (and a notice printed) when no browser is installed outside CI: the browser block is skipped. */
const browserPath = browserForTests();

let sb: Sandbox;
beforeAll(async () => {
  sb = await testSandbox();
});

describe('docs page over HTTP', () => {
  test('GET / lists every spec in openapi/ with its title, reference link and raw spec links', async () => {
    const res = await request(sb.app).get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(specNames).toEqual(expect.arrayContaining(['norcap']));
    for (const name of specNames) {
      const title = (parse(specText(name)) as { info: { title: string } }).info.title;
      expect(res.text).toContain(title);
      expect(res.text).toContain(`href="/docs/${name}"`);
      expect(res.text).toContain(`href="/openapi/${name}.yaml"`);
      expect(res.text).toContain(`href="/openapi/${name}.json"`);
    }
  });

  test('GET / shows every fixture credential and id from fixtures/*.json', async () => {
    const res = await request(sb.app).get('/');
    expect(fixtureIdentifiers).toEqual(expect.arrayContaining(['sandbox', 'sandbox_api_key', 'NC95156', 'A1234567890']));
    for (const value of fixtureIdentifiers) expect(res.text).toContain(`<code>${value}</code>`);
  });

  test.each(specNames)('the raw %s spec is served as written (YAML) and as JSON', async (name) => {
    const yaml = await request(sb.app).get(`/openapi/${name}.yaml`);
    expect(yaml.status).toBe(200);
    expect(yaml.headers['content-type']).toMatch(/^application\/yaml/);
    expect(yaml.text).toBe(specText(name));
    const json = await request(sb.app).get(`/openapi/${name}.json`);
    expect(json.status).toBe(200);
    expect(json.body).toEqual(parse(specText(name)));
  });

  test('unknown specs are 404', async () => {
    expect((await request(sb.app).get('/docs/nothing')).status).toBe(404);
    expect((await request(sb.app).get('/openapi/nothing.yaml')).status).toBe(404);
    expect((await request(sb.app).get('/openapi/norcap.txt')).status).toBe(404);
  });
});

(browserPath ? describe : describe.skip)('docs page in a real browser (headless Chromium)', () => {
  let browser: Browser;
  let baseUrl: string;
  const offsite: string[] = [];

  beforeAll(async () => {
    baseUrl = await sb.start(0);
    browser = await launchBrowser(browserPath as string);
  });
  afterAll(async () => {
    await browser?.close();
    await sb.stop();
  });

  async function open(path: string) {
    const page = await browser.newPage();
    page.on('request', (req) => {
      if (!req.url().startsWith(baseUrl) && !req.url().startsWith('data:')) offsite.push(req.url());
    });
    await page.goto(`${baseUrl}${path}`);
    return page;
  }

  test('the NorCap reference renders its operations (swagger-ui served locally)', async () => {
    const page = await open('/');
    await page.click('section#norcap a.reference');
    await page.waitForURL(`${baseUrl}/docs/norcap`);
    const create = page.locator('#operations-Distributions-createDistributions');
    await create.waitFor();
    expect(await create.locator('.opblock-summary-method').textContent()).toBe('POST');
    expect(await create.locator('.opblock-summary-path').textContent()).toContain('/v3/custody/distributions');
    expect(await page.locator('.opblock-summary-operation-id', { hasText: 'listDistributions' }).count()).toBe(1);
    expect(await page.locator('.info .title').textContent()).toContain('NorCap Securities Custody Distributions API');
    await page.close();
  });

  test.each(specNames)('the %s reference renders every operation of its spec', async (name) => {
    const spec = parse(specText(name)) as { paths: Record<string, Record<string, { operationId?: string }>> };
    const operationIds = Object.values(spec.paths).flatMap((item) => Object.values(item).map((op) => op.operationId)).filter(Boolean);
    const page = await open(`/docs/${name}`);
    await page.locator('.opblock').first().waitFor();
    const rendered = await page.locator('.opblock-summary-operation-id').allTextContents();
    expect(rendered.sort()).toEqual([...operationIds].sort());
    await page.close();
  });

  test('"Create a sandbox workspace" shows its credentials and curl commands that work as pasted, in that workspace only', async () => {
    const page = await open('/');
    await page.click('#create-workspace');
    const norcap = page.locator('#workspace-result pre.curl-norcap');
    await norcap.waitFor();
    const credentials = await page.locator('#workspace-credentials dd').allTextContents();
    expect(credentials[0]).toMatch(/^wsk_[A-Za-z0-9]{16}_/);
    expect(credentials[1]).toMatch(/^ws_[A-Za-z0-9]{16}_norcap$/);
    const [create, list] = ((await norcap.textContent()) as string).split('\n') as [string, string];
    const created = JSON.parse(await sh(create)) as { statusCode: string; distributions: { id: string }[] };
    expect(created.statusCode).toBe('101');
    const listed = JSON.parse(await sh(list)) as { custody_distributions: { id: string }[] };
    expect(listed.custody_distributions.map((d) => d.id)).toEqual([created.distributions[0]!.id]);
    // The default workspace's credential does not see it.
    const theirs = await request(sb.app).get('/v3/custody/distributions').set('Authorization', 'Bearer sandbox:sandbox_api_key');
    expect(theirs.body.custody_distributions.map((d: { id: string }) => d.id)).not.toContain(created.distributions[0]!.id);

    const vehicles = JSON.parse(await sh((await page.locator('#workspace-result pre.curl-nova').textContent()) as string)) as { data: { id: string }[] };
    expect(vehicles.data.length).toBeGreaterThan(0);
    expect(vehicles.data.map((v) => v.id)).not.toContain('veh_pNvehE6O1KjY2W6Omq9MD3QAEs5w');
    const clock = JSON.parse(await sh((await page.locator('#workspace-result pre.curl-controls').textContent()) as string)) as { offset_seconds: number };
    expect(clock.offset_seconds).toBe(3600);
    expect((await request(sb.app).get('/_sandbox/clock')).body.offset_seconds).toBe(0);
    await page.close();
  });

  test('nothing is fetched from anywhere but this server', () => {
    expect(offsite).toEqual([]);
  });
});
