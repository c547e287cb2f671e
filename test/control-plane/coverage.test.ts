import { readFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import { parse } from 'yaml';
import { ResponseContract } from '../../src/core/contract/responses.js';
import type { Sandbox } from '../../src/sandbox.js';
import { testSandbox } from '../support/harness.js';
import { create, get, item, PATH } from '../norcap/helpers.js';
import { control } from './helpers.js';
import type { CoverageOperation, CoverageReport } from '../../src/control-plane/coverage.js';

let sb: Sandbox;
beforeEach(async () => {
  sb = await testSandbox();
});

/** The report as `GET /_sandbox/coverage` answers it: the tracker's own type, as JSON. */
async function coverage(): Promise<CoverageReport> {
  const res = await control(sb, 'get', '/_sandbox/coverage');
  expect(res.status).toBe(200);
  return res.body;
}

function operation(report: CoverageReport, id: string): CoverageOperation | undefined {
  return report.apis.norcap?.operations.find((op) => op.operationId === id);
}

/** Every operation of a spec file, read straight from the YAML: `METHOD path` → its documented statuses. */
function documentedOperations(api: string): Map<string, string[]> {
  const doc = parse(readFileSync(new URL(`../../openapi/${api}.yaml`, import.meta.url), 'utf8')) as { paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> };
  const out = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].includes(method)) continue;
      out.set(`${method.toUpperCase()} ${path}`, Object.keys(operation.responses ?? {}).sort());
    }
  }
  return out;
}

describe('GET /_sandbox/coverage', () => {
  test('lists every operation of both specs with every status it documents; at start all are never exercised', async () => {
    const report = await coverage();

    expect(Object.keys(report.apis).sort()).toEqual(['norcap', 'nova']);
    let operations = 0;
    let statuses = 0;
    for (const api of ['norcap', 'nova'] as const) {
      const documented = documentedOperations(api);
      const listed = new Map((report.apis[api]?.operations ?? []).map((op) => [`${op.method} ${op.path}`, Object.keys(op.statuses).sort()]));
      expect(listed).toEqual(documented);
      for (const op of report.apis[api]?.operations ?? []) expect(Object.values(op.statuses).every((n) => n === 0)).toBe(true);
      operations += documented.size;
      statuses += [...documented.values()].reduce((sum, list) => sum + list.length, 0);
    }
    expect(report.summary).toEqual({ operations_total: operations, operations_exercised: 0, statuses_total: statuses, statuses_exercised: 0 });
    expect(report.never_exercised).toHaveLength(operations);
    expect(report.never_exercised.every((gap) => !gap.called)).toBe(true);
  });

  test('counts each documented status answered, and names what was never exercised', async () => {
    await get(sb, PATH);
    await get(sb, PATH);
    await create(sb, item({ amountCents: 'x' }));
    await create(sb, item());

    const report = await coverage();
    expect(operation(report, 'listDistributions')).toEqual({
      operationId: 'listDistributions',
      method: 'GET',
      path: PATH,
      calls: 2,
      statuses: { '200': 2, '400': 0, '401': 0, '429': 0, '500': 0, '503': 0 },
      undocumented_statuses: {},
    });
    expect(operation(report, 'createDistributions')).toMatchObject({ calls: 2, statuses: { '200': 1, '400': 1, '422': 0 } });
    expect(operation(report, 'getDistribution')).toMatchObject({ calls: 0, statuses: { '200': 0, '404': 0 } });

    const gap = report.never_exercised.find((g) => g.operationId === 'getDistribution');
    expect(gap).toEqual({ api: 'norcap', operationId: 'getDistribution', method: 'GET', path: `${PATH}/{distributionId}`, called: false, statuses: ['200', '400', '401', '404', '429', '500', '503'] });
    expect(report.never_exercised.find((g) => g.operationId === 'listDistributions')).toMatchObject({ called: true, statuses: ['400', '401', '429', '500', '503'] });
    expect(report.summary).toMatchObject({ operations_exercised: 2, statuses_exercised: 3 });
    expect(report.summary.operations_total).toBeGreaterThanOrEqual(3);
  });

  test('statuses the spec does not document are counted apart; undocumented routes count nowhere', async () => {
    await control(sb, 'post', '/_sandbox/faults', { method: 'GET', path: PATH, status: 418 });
    // 418 is not in the spec, which is the point: the body is checked by hand, not by expectContract.
    const teapot = await request(sb.app).get(PATH).set('Authorization', 'Bearer sandbox:sandbox_api_key');
    expect(teapot.status).toBe(418);
    expect(teapot.body.statusCode).toBe('1418');
    await get(sb, PATH);
    expect((await request(sb.app).delete(PATH).set('Authorization', 'Bearer sandbox:sandbox_api_key')).status).toBe(405);

    const list = operation(await coverage(), 'listDistributions');
    expect(list).toMatchObject({ calls: 2, undocumented_statuses: { '418': 1 } });
    expect(list?.statuses['200']).toBe(1);
  });

  test('?format=text answers the same report as a table', async () => {
    await get(sb, PATH);
    const res = await request(sb.app).get('/_sandbox/coverage?format=text');

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(ResponseContract.for('sandbox').check('GET', '/_sandbox/coverage', 200, res.text, 'text/plain').problems).toEqual([]);
    expect(res.text).toMatch(/^Contract coverage since 2024-04-20T12:00:00.000Z\n/);
    expect(res.text).toMatch(/norcap\s+listDistributions\s+GET\s+\/v3\/custody\/distributions\s+1\s+200:1 400:0/);
    expect(res.text).toContain(`norcap getDistribution (GET ${PATH}/{distributionId}): never called`);
  });

  test('the library writes the JSON report to a file and returns the table; stop() does it for coverageOut', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coverage-'));
    await get(sb, PATH);

    const table = await sb.coverage.writeReport(join(dir, 'now.json'));
    expect(table).toBe(sb.coverage.table());
    expect(JSON.parse(await readFile(join(dir, 'now.json'), 'utf8'))).toEqual(sb.coverage.report());

    const withOut = await testSandbox({ coverageOut: join(dir, 'on-stop.json') });
    await get(withOut, PATH);
    await withOut.stop();
    const written = JSON.parse(await readFile(join(dir, 'on-stop.json'), 'utf8'));
    expect(written.apis.norcap.operations.find((op: CoverageOperation) => op.operationId === 'listDistributions').statuses['200']).toBe(1);
  });
});
