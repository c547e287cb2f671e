import { tcpProxy } from '../support/tcp-proxy.js';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, expect, test } from '@jest/globals';
import { StoreUnavailableError } from '../../src/core/store/errors.js';
import { MIGRATIONS, migrate, openPostgres, pageStatement, type PostgresRecordStore } from '../../src/backends/postgres/index.js';
import { recordsColumn } from '../../src/backends/postgres/record-store.js';
import type { CollectionSchemas } from '../../src/core/store/record-store.js';
import type { Collections } from '../../src/core/store/types.js';
import { ensureBuilt } from '../platform/child-server.js';
import { createSandbox } from '../../src/sandbox.js';
import { databaseUrl, describePostgres, testSchema, withAdmin, type TestSchema } from '../support/postgres.js';

/** What only the PostgreSQL store has to prove: migrations, seeding, query plans, an unreachable database. */

interface Item {
  id: string;
  owner: string;
}
interface Data extends Collections {
  items: Record<string, Item>;
}
const schemas: CollectionSchemas<Data> = { items: { owner: (item: Item) => item.owner } };
const fixtures = (): Data => ({ items: { f1: { id: 'f1', owner: 'alice' }, f2: { id: 'f2', owner: 'bob' } } });

describePostgres('PostgreSQL store', () => {
  const schemas_: TestSchema[] = [];
  const stores: PostgresRecordStore<Data>[] = [];
  /** A schema of its own, dropped after the suite. */
  const freshSchema = (): TestSchema => {
    const schema = testSchema();
    schemas_.push(schema);
    return schema;
  };
  const open = async (schema: TestSchema, options: { url?: string; workspace?: string } = {}) => {
    const store = await openPostgres({ url: options.url ?? schema.url, schema: schema.name, workspace: options.workspace, schemas, fixtures, max: 3 });
    stores.push(store);
    return store;
  };
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close().catch(() => {})));
    await Promise.all(schemas_.map((schema) => schema.drop()));
  });

  test('5 instances starting at once on a fresh schema: all start, migrations applied once, fixtures seeded once', async () => {
    const schema = freshSchema();
    const started = await Promise.all(Array.from({ length: 5 }, () => open(schema)));
    expect(started).toHaveLength(5);
    const state = await withAdmin(async (client) => {
      const migrations = await client.query('SELECT version, name FROM schema_migrations ORDER BY version');
      const records = await client.query('SELECT workspace, id, owner FROM records ORDER BY seq');
      const workspaces = await client.query('SELECT workspace FROM workspaces');
      return { migrations: migrations.rows, records: records.rows, workspaces: workspaces.rows };
    }, schema.name);
    expect(state).toEqual({
      migrations: MIGRATIONS.map(({ version, name }) => ({ version, name })),
      records: [
        { workspace: 'default', id: 'f1', owner: 'alice' },
        { workspace: 'default', id: 'f2', owner: 'bob' },
      ],
      workspaces: [{ workspace: 'default' }],
    });
    expect(await started[4]?.count('items')).toBe(2);
  });

  test('a restart neither migrates nor seeds again: the state survives it', async () => {
    const schema = freshSchema();
    const first = await open(schema);
    await first.commit((tx) => {
      tx.delete('items', 'f1');
      tx.put('items', 'n1', { id: 'n1', owner: 'alice' });
    });
    await first.close();
    const again = await open(schema);
    expect(await again.scan('items')).toEqual([
      { id: 'f2', owner: 'bob' },
      { id: 'n1', owner: 'alice' },
    ]);
    expect(await migrate(again.pool, schema.name)).toEqual([]);
    // Another workspace in the same schema is seeded on its first start.
    const other = await open(schema, { workspace: 'other' });
    expect(await other.scan('items')).toEqual(Object.values(fixtures().items));
  });

  test('a sandbox stopped twice at once, and once more after, stops once: no pool is ended twice', async () => {
    const schema = testSchema();
    try {
      const sb = await createSandbox({ seed: 1, database: schema.url, databaseSchema: schema.name });
      await sb.start(0);
      await expect(Promise.all([sb.stop(), sb.stop()])).resolves.toEqual([undefined, undefined]);
      await expect(sb.stop()).resolves.toBeUndefined();
    } finally {
      await schema.drop();
    }
  });

  test('the built package (dist/) carries the migrations', async () => {
    ensureBuilt();
    const built = (await import(new URL('../../dist/backends/postgres/index.js', import.meta.url).href)) as { openPostgres: typeof openPostgres };
    const schema = freshSchema();
    const store = await built.openPostgres({ url: schema.url, schema: schema.name, schemas, fixtures, max: 1 });
    try {
      expect(await store.get('items', 'f1')).toEqual({ id: 'f1', owner: 'alice' });
    } finally {
      await store.close();
    }
  });

  test('a page is an index scan reading O(offset + limit) rows, even for an owner with 20k records', async () => {
    const schema = freshSchema();
    const store = await open(schema);
    await withAdmin(async (client) => {
      await client.query(`INSERT INTO records (workspace, collection, id, owner, value)
        SELECT 'default', 'items', o || i, o, json_build_object('id', o || i, 'owner', o)
        FROM generate_series(1, 20000) AS i, unnest(ARRAY['big', 'other']) AS o ORDER BY i`);
      await client.query('ANALYZE records');
    }, schema.name);
    expect(await store.count('items', 'big')).toBe(20000);
    const cursor = await withAdmin((client) => client.query<{ seq: string }>("SELECT seq FROM records WHERE id = 'big10000'"), schema.name);
    const afterSeq = cursor.rows[0]?.seq;
    for (const newestFirst of [true, false]) {
      const statement = pageStatement({ workspace: 'default', collection: 'items', owner: 'big', afterSeq, newestFirst, limit: 20, offset: 30 });
      const plan = await withAdmin(
        (client) => client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement.text}`, statement.values),
        schema.name,
      );
      const scan = findScan(plan.rows[0]?.['QUERY PLAN'][0].Plan);
      expect(scan).toMatchObject({ 'Node Type': 'Index Scan', 'Index Name': 'records_by_owner', 'Scan Direction': newestFirst ? 'Backward' : 'Forward' });
      expect(scan?.['Actual Rows']).toBeLessThanOrEqual(30 + 20 + 1);
    }
    const page = await store.page('items', 'big', { limit: 2, newestFirst: true, after: 'big10000', offset: 1 });
    expect(page).toEqual({ items: [{ id: 'big9998', owner: 'big' }, { id: 'big9997', owner: 'big' }], ids: ['big9998', 'big9997'], hasMore: true });
  });

  // A connection keeps a prepared statement's generic plan, and a function's, from the moment it
  // is made until the table is analyzed. Made while the table is new (a few fixtures, no
  // statistics), a plan that may read the whole collection looks as cheap as the primary key:
  // these tests make the plans then, grow the table, and look at what the plans read.
  test('records by key and a cursor by id, as generic plans made on a new table run them, are primary-key lookups once it has grown', async () => {
    const schema = freshSchema();
    await open(schema);
    await withAdmin(async (client) => {
      await client.query('SET plan_cache_mode = force_generic_plan');
      const values: unknown[] = ['default'];
      await client.query(`PREPARE records_by_key(text, text[], text[]) AS SELECT ${recordsColumn(values, [{ collection: 'items', id: 'i5' }, { collection: 'items', id: 'missing' }])} AS records`);
      const cursor = pageStatement({ workspace: 'default', collection: 'items', owner: 'o', afterId: 'i5', newestFirst: true, limit: 20 });
      await client.query(`PREPARE page_after(text, text, text, text, integer, integer) AS ${cursor.text}`);
      await client.query(`INSERT INTO records (workspace, collection, id, owner, value)
        SELECT 'default', 'items', 'i' || i, 'o', json_build_object('id', 'i' || i) FROM generate_series(1, 20000) AS i`);
      const byKey = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE records_by_key('default', ARRAY['items', 'items'], ARRAY['i5', 'missing'])`);
      const keyScans = allScans(byKey.rows[0]?.['QUERY PLAN'][0].Plan).filter((node) => node['Node Type'] !== 'Function Scan');
      expect(keyScans.length).toBeGreaterThan(0);
      for (const scan of keyScans) expect(scan).toMatchObject({ 'Node Type': 'Index Scan', 'Index Name': 'records_pkey' });
      const paged = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE page_after('default', 'items', 'o', 'i5', 21, 0)`);
      const [cursorScan, pageScan] = allScans(paged.rows[0]?.['QUERY PLAN'][0].Plan);
      expect(cursorScan).toMatchObject({ 'Node Type': 'Index Scan', 'Index Name': 'records_pkey' });
      expect(pageScan).toMatchObject({ 'Node Type': 'Index Scan', 'Index Name': 'records_by_owner' });
      expect(pageScan?.['Actual Rows']).toBeLessThanOrEqual(21);
    }, schema.name);
  });

  test('the claim, eviction and commit functions, planned on a new table, still look keys up by the primary key once it has grown', async () => {
    const schema = freshSchema();
    await open(schema);
    await withAdmin(async (client) => {
      const claim = (id: string) => client.query("SELECT * FROM sandbox_claim_key('default', 'keys', $1, 't', 'fp', 1e15, 1000, 60000)", [id]);
      // Past the five custom plans, so the function's statements run on their cached generic plans.
      for (let i = 0; i < 8; i++) await claim(`early${i}`);
      for (let i = 0; i < 8; i++) await client.query("SELECT sandbox_keep_at_most('default', 'keys', 'o', 1000000, NULL, NULL, 0)");
      // A commit that deletes one record by its key (none there yet).
      const commitDeleting = (id: string) =>
        client.query(`SELECT sandbox_commit('default', NULL, '{}', '{}', '{}', '{}', ARRAY['keys'], ARRAY[$1], '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}')`, [id]);
      for (let i = 0; i < 8; i++) await commitDeleting(`none${i}`);
      await client.query(`INSERT INTO records (workspace, collection, id, owner, value)
        SELECT 'default', 'keys', 'k' || i, 'o', json_build_object('storedAtMs', 0) FROM generate_series(1, 20000) AS i`);
      // auto_explain hands every nested statement's plan back as a notice.
      const plans: PlanNode[] = [];
      client.on('notice', (notice) => {
        const at = notice.message?.indexOf('{') ?? -1;
        if (at >= 0) plans.push((JSON.parse(notice.message!.slice(at)) as { Plan: PlanNode }).Plan);
      });
      await client.query("LOAD 'auto_explain'");
      for (const setting of ['auto_explain.log_min_duration = 0', 'auto_explain.log_nested_statements = on', 'auto_explain.log_analyze = on', 'auto_explain.log_format = json', 'client_min_messages = log']) {
        await client.query(`SET ${setting}`);
      }
      expect((await claim('fresh')).rows[0]).toMatchObject({ taken: true });
      await client.query("SELECT sandbox_keep_at_most('default', 'keys', 'o', 19999, NULL, NULL, 0)");
      await commitDeleting('k2');
      await client.query('RESET client_min_messages');
      const recordScans = plans.flatMap(allScans).filter((scan) => scan['Relation Name'] === 'records');
      // The claim's two looks by key, the eviction's pick of the oldest and its delete by key, the commit's delete by key.
      expect(recordScans.map((scan) => [scan['Node Type'], scan['Index Name']])).toEqual([
        ['Index Scan', 'records_pkey'],
        ['Index Scan', 'records_pkey'],
        ['Index Scan', 'records_by_owner'],
        ['Index Scan', 'records_pkey'],
        ['Index Scan', 'records_pkey'],
      ]);
      for (const scan of recordScans) expect(scan['Rows Removed by Filter'] ?? 0).toBe(0);
      expect(Number((await client.query<{ n: string }>("SELECT count(*) AS n FROM records WHERE collection = 'keys'")).rows[0]?.n)).toBe(19998);
    }, schema.name);
  });

  test('a page after a cursor given by id (looked up in the same statement) is still an index scan of O(offset + limit) rows', async () => {
    const schema = freshSchema();
    const store = await open(schema);
    await withAdmin(async (client) => {
      await client.query(`INSERT INTO records (workspace, collection, id, owner, value)
        SELECT 'default', 'items', 'big' || i, 'big', json_build_object('id', 'big' || i, 'owner', 'big') FROM generate_series(1, 20000) AS i ORDER BY i`);
      await client.query('ANALYZE records');
    }, schema.name);
    const statement = pageStatement({ workspace: 'default', collection: 'items', owner: 'big', afterId: 'big10000', newestFirst: true, limit: 20, offset: 30 });
    const plan = await withAdmin(
      (client) => client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement.text}`, statement.values),
      schema.name,
    );
    const root = plan.rows[0]?.['QUERY PLAN'][0].Plan;
    const scans = allScans(root);
    expect(scans.map((scan) => scan['Node Type'])).toEqual(['Index Scan', 'Index Scan']); // the cursor's row, then the page
    expect(scans.every((scan) => (scan['Actual Rows'] ?? 0) <= 30 + 20 + 1)).toBe(true);
    expect(await store.page('items', 'big', { limit: 2, newestFirst: true, after: 'big10000', withTotal: true })).toMatchObject({ ids: ['big9999', 'big9998'], total: 20000 });
  });

  test('fixed collections: a read is kept (absences too) and answered again without the database; a commit that writes one throws', async () => {
    const schema = freshSchema();
    const store = await openPostgres({ url: schema.url, schema: schema.name, schemas, fixtures, fixed: ['items'], max: 2 });
    stores.push(store);
    expect(await store.get('items', 'f1')).toEqual({ id: 'f1', owner: 'alice' });
    expect(await store.get('items', 'nope')).toBeUndefined();
    // Changed behind the store's back (only fixtures write a fixed collection, so nothing else can): the kept read answers.
    await withAdmin((client) => client.query("UPDATE records SET value = '{\"id\":\"f1\",\"owner\":\"changed\"}' WHERE id = 'f1'"), schema.name);
    expect(await store.getMany([{ collection: 'items', id: 'f1' }, { collection: 'items', id: 'nope' }, { collection: 'items', id: 'f2' }])).toEqual([
      { id: 'f1', owner: 'alice' },
      undefined,
      { id: 'f2', owner: 'bob' },
    ]);
    await expect(store.commit((tx) => tx.put('items', 'f3', { id: 'f3', owner: 'carol' }))).rejects.toThrow(/'items' is fixed/);
    // A reset forgets what was kept: the fixtures are read again.
    await store.reset();
    expect(await store.get('items', 'f1')).toEqual({ id: 'f1', owner: 'alice' });
  });

  test('an unreachable database (a closed port) rejects with StoreUnavailableError at once', async () => {
    const port = await closedPort();
    const started = Date.now();
    const error = await openPostgres({ url: `postgres://postgres@127.0.0.1:${port}/nowhere`, schemas, fixtures }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/unavailable/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('a server that accepts but never answers rejects with StoreUnavailableError after connectionTimeoutMs', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await listen(silent);
    try {
      const started = Date.now();
      const error = await openPostgres({
        url: `postgres://postgres@127.0.0.1:${port(silent)}/nowhere`,
        schemas,
        fixtures,
        connectionTimeoutMs: 300,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  test('the database going away after start: every operation rejects with StoreUnavailableError, none hangs', async () => {
    const schema = freshSchema();
    const proxy = await tcpProxy(databaseUrl as string);
    const store = await openPostgres({ url: proxy.url, schema: schema.name, schemas, fixtures, connectionTimeoutMs: 500, max: 2 });
    stores.push(store);
    expect(await store.get('items', 'f1')).toEqual({ id: 'f1', owner: 'alice' });
    await proxy.close();
    const claim = { fingerprint: 'f', claimToken: 't', nowMs: 0, retentionMs: 1, leaseMs: 1000 };
    const outcomes = await Promise.all([
      store.get('items', 'f1'),
      store.page('items', 'alice', { limit: 1, newestFirst: true }),
      store.count('items', 'alice'),
      store.scan('items'),
      store.commit((tx) => tx.put('items', 'x', { id: 'x', owner: 'alice' })),
      store.claimKey('items', 'k', claim),
      store.releaseKey('items', 'k', 't'),
      store.reset(),
    ].map((p: Promise<unknown>) => p.then(() => 'resolved', (e: unknown) => e)));
    for (const outcome of outcomes) expect(outcome).toBeInstanceOf(StoreUnavailableError);
  });
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Rows Removed by Filter'?: number;
  'Scan Direction'?: string;
  'Actual Rows'?: number;
  Plans?: PlanNode[];
}

function allScans(node: PlanNode | undefined): PlanNode[] {
  if (!node) return [];
  return [...(node['Node Type'].includes('Scan') ? [node] : []), ...(node.Plans ?? []).flatMap(allScans)];
}

function findScan(node: PlanNode | undefined): PlanNode | undefined {
  if (!node) return undefined;
  if (node['Node Type'].includes('Scan')) return node;
  for (const child of node.Plans ?? []) {
    const found = findScan(child);
    if (found) return found;
  }
  return undefined;
}

async function listen(server: Server): Promise<void> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
}

function port(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await listen(server);
  const free = port(server);
  await new Promise((resolve) => server.close(resolve));
  return free;
}

