import type { Pool } from 'pg';
import { inTransaction } from './pool.js';
import { quoteIdent } from './quote.js';
import { CLAIM_LOST, REFUSED, STATE_MOVED } from './commit-call.js';

/** Lock class of the per-collection lock a capped commit takes (`tx.refuseBeyond`, in `sandbox_commit`). */
const COLLECTION_LOCK = 0x46534331; // 'FSC1'

/**
 * The schema, as numbered migrations applied in order and never edited once released: a change
 * is a new entry. The SQL lives in this module rather than in `.sql` files so `tsc` carries it
 * into `dist/` and the npm package with nothing to copy or locate at run time.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'records',
    sql: `
-- Every collection's records, scoped by workspace ('default' until workspaces arrive).
-- value is json, not jsonb: json keeps the text as written, so a record reads back with its
-- keys in their order (jsonb sorts them) and strings may hold \\u0000 (jsonb refuses it).
CREATE SEQUENCE record_seq AS bigint;
CREATE TABLE records (
  workspace text NOT NULL,
  collection text NOT NULL,
  id text NOT NULL,
  -- The owner a page is listed under (CollectionSchemas); null in unowned collections.
  owner text,
  -- Creation order; a put over an existing record keeps it.
  seq bigint NOT NULL DEFAULT nextval('record_seq'),
  value json NOT NULL,
  PRIMARY KEY (workspace, collection, id)
);
ALTER SEQUENCE record_seq OWNED BY records.seq;
-- Serves every page (keyset on seq after the cursor) in O(offset + limit); replaced by
-- records_by_owner in migration 8.
CREATE INDEX records_owner_seq ON records (workspace, collection, owner, seq);

-- Records per owner ('' for unowned collections), kept by the statement triggers below in the
-- same transaction as the writes: a count is one row, whatever the number of records.
CREATE TABLE record_counts (
  workspace text NOT NULL,
  collection text NOT NULL,
  owner text NOT NULL,
  n bigint NOT NULL,
  PRIMARY KEY (workspace, collection, owner)
);
CREATE FUNCTION record_counts_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO record_counts AS c (workspace, collection, owner, n)
  SELECT workspace, collection, coalesce(owner, ''), count(*) FROM new_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (workspace, collection, owner) DO UPDATE SET n = c.n + EXCLUDED.n;
  RETURN NULL;
END $$;
CREATE FUNCTION record_counts_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE record_counts c SET n = c.n - d.n
  FROM (SELECT workspace, collection, coalesce(owner, '') AS owner, count(*) AS n FROM old_rows GROUP BY 1, 2, 3) d
  WHERE c.workspace = d.workspace AND c.collection = d.collection AND c.owner = d.owner;
  RETURN NULL;
END $$;
CREATE FUNCTION record_counts_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO record_counts AS c (workspace, collection, owner, n)
  SELECT workspace, collection, owner, sum(d) FROM (
    SELECT workspace, collection, coalesce(owner, '') AS owner, -1 AS d FROM old_rows
    UNION ALL SELECT workspace, collection, coalesce(owner, ''), 1 FROM new_rows
  ) moves GROUP BY 1, 2, 3 HAVING sum(d) <> 0 ORDER BY 1, 2, 3
  ON CONFLICT (workspace, collection, owner) DO UPDATE SET n = c.n + EXCLUDED.n;
  RETURN NULL;
END $$;
CREATE TRIGGER records_count_insert AFTER INSERT ON records
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION record_counts_add();
CREATE TRIGGER records_count_delete AFTER DELETE ON records
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION record_counts_remove();
CREATE TRIGGER records_count_update AFTER UPDATE ON records
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION record_counts_move();

-- Idempotency keys being answered: one row per claimed key until its answer is stored
-- (tx.completeKey deletes it in the answer's transaction) or released. A claim whose
-- lease_until has passed may be taken over (its instance died mid-request).
CREATE TABLE idempotency_claims (
  workspace text NOT NULL,
  collection text NOT NULL,
  id text NOT NULL,
  claim_token text NOT NULL,
  fingerprint text NOT NULL,
  lease_until timestamptz NOT NULL,
  PRIMARY KEY (workspace, collection, id)
);

-- Workspaces whose fixtures are in: the first instance to start seeds, later ones find the row.
CREATE TABLE workspaces (
  workspace text PRIMARY KEY,
  seeded_at timestamptz NOT NULL DEFAULT now()
);

-- Shared sandbox state beside the records (the clock's offset and freeze, ...), one JSON value
-- per key and workspace. Created here for the control plane to move onto; unused so far.
CREATE TABLE sandbox_state (
  workspace text NOT NULL,
  key text NOT NULL,
  value json NOT NULL,
  PRIMARY KEY (workspace, key)
);

-- Armed faults, shared by every instance: arming order, how many requests each still answers
-- (null: until disarmed), and the fault itself. Created here for the fault registry to move
-- onto; unused so far.
CREATE TABLE faults (
  workspace text NOT NULL,
  id text NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  remaining integer,
  value json NOT NULL,
  PRIMARY KEY (workspace, id)
);
`,
  },
  {
    version: 2,
    name: 'workspace_catalog',
    sql: `
-- The workspaces created through POST /_sandbox/workspaces, so every instance finds one another
-- instance created: its catalog record (key hash, description, fixtures) and when it was last
-- used (idle ones expire after --workspace-ttl).
CREATE TABLE workspace_catalog (
  id text PRIMARY KEY,
  record json NOT NULL,
  last_used_at_ms bigint NOT NULL
);
CREATE INDEX workspace_catalog_idle ON workspace_catalog (last_used_at_ms);
`,
  },
  {
    version: 3,
    name: 'commit_checks',
    sql: `
-- A commit goes to the database as one script, one round trip (see commit-script.ts). A cap it
-- would break, or an idempotency claim it lost, must roll the whole script back and say which:
-- this raises, and the store maps the reason back to the refusal.
CREATE FUNCTION sandbox_check(ok boolean, reason text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF ok IS NOT TRUE THEN
    RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = reason;
  END IF;
END
$$;
`,
  },
  {
    version: 4,
    name: 'keep_at_most',
    sql: `
-- tx.keepAtMost as a function. As one DELETE … USING (SELECT … ORDER BY seq LIMIT …) the planner
-- chose a nested loop over every record of the collection, rescanning the oldest per row: about
-- 3 ms for 1,000 keys, growing with them, spent while the insert's trigger held the owner's
-- counter row, so every keyed create of a workspace queued behind it (163 against 412 req/s).
-- Here the oldest are picked first, by the (workspace, collection, owner, seq) index, and the
-- DELETE (and its statement trigger) runs only when one of them must go: the usual commit,
-- under the bound and with nothing expired, reads one counter row and two index entries.
CREATE FUNCTION sandbox_keep_at_most(ws text, coll text, own text, max_n bigint, expiry_field text, expired_at_or_before float8, scan integer)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  excess bigint;
  doomed text[];
BEGIN
  SELECT coalesce((SELECT n FROM record_counts WHERE workspace = ws AND collection = coll AND owner = own), 0) - max_n INTO excess;
  SELECT array_agg(o.id) INTO doomed FROM (
    SELECT s.id, s.value, row_number() OVER (ORDER BY s.seq) AS rn FROM (
      SELECT r.id, r.value, r.seq FROM records r
      WHERE r.workspace = ws AND r.collection = coll AND r.owner = own
      ORDER BY r.seq LIMIT greatest(excess, scan)
    ) s
  ) o
  WHERE o.rn <= excess OR (expiry_field IS NOT NULL AND (o.value->>expiry_field)::float8 <= expired_at_or_before);
  IF doomed IS NOT NULL THEN
    DELETE FROM records WHERE workspace = ws AND collection = coll AND id = ANY (doomed);
  END IF;
END
$$;
`,
  },
  {
    version: 5,
    name: 'console_rows',
    sql: `
-- The console's feed of a workspace, shared by every instance (console-rows.ts): its request
-- rows (already masked: no secret is ever stored) and timeline events, numbered by the workspace's
-- head, so every instance sees one order and a console resuming on another instance sends the
-- same ids back. The head row is the per-workspace sequence: taking numbers updates it, and its
-- row lock makes numbering follow commit order (a reader never sees id n+1 before id n).
CREATE TABLE console_heads (
  workspace text PRIMARY KEY,
  last bigint NOT NULL DEFAULT 0,
  -- Event ids are '<epoch>.<id>': a new head (the workspace deleted, the schema recreated) starts a new epoch.
  epoch text NOT NULL DEFAULT substr(md5(random()::text || clock_timestamp()::text), 1, 8),
  -- Grows by one on every coverage reset: counts of an older generation are gone (and deleted by the next write).
  coverage_gen integer NOT NULL DEFAULT 0
);
CREATE TABLE console_rows (
  workspace text NOT NULL,
  id bigint NOT NULL,
  -- 'request' or 'timeline'.
  kind text NOT NULL,
  data json NOT NULL,
  PRIMARY KEY (workspace, id)
);
-- Contract coverage counts, shared: calls per documented operation and status key since reset
-- (the head's coverage_gen: a reset is one update of the head, never a delete racing the counts).
CREATE TABLE console_coverage (
  workspace text NOT NULL,
  gen integer NOT NULL,
  api text NOT NULL,
  operation text NOT NULL,
  status text NOT NULL,
  n bigint NOT NULL,
  PRIMARY KEY (workspace, gen, api, operation, status)
);
`,
  },
  {
    version: 6,
    name: 'claim_key',
    sql: `
-- claimKey as a function, so a fresh claim is one round trip instead of two. One statement has
-- one snapshot: an answer committed after it was taken (its claim row already deleted, so the
-- INSERT meets no conflict) is invisible to it, and the store had to look again with a second
-- query before it could run the request. In a function each statement takes a new snapshot
-- (READ COMMITTED), so the look after the insert is made here.
CREATE FUNCTION sandbox_claim_key(ws text, coll text, key_id text, token text, fp text, now_ms float8, retention_ms float8, lease_ms float8,
                                  OUT record json, OUT taken boolean, OUT holder text)
LANGUAGE plpgsql AS $$
BEGIN
  taken := false;
  SELECT value INTO record FROM records
  WHERE workspace = ws AND collection = coll AND id = key_id AND now_ms < (value->>'storedAtMs')::float8 + retention_ms;
  IF record IS NOT NULL THEN RETURN; END IF;
  INSERT INTO idempotency_claims AS c (workspace, collection, id, claim_token, fingerprint, lease_until)
  VALUES (ws, coll, key_id, token, fp, clock_timestamp() + lease_ms * interval '1 millisecond')
  ON CONFLICT (workspace, collection, id) DO UPDATE
    SET claim_token = EXCLUDED.claim_token, fingerprint = EXCLUDED.fingerprint, lease_until = EXCLUDED.lease_until
    WHERE c.lease_until <= clock_timestamp()
  RETURNING true INTO taken;
  taken := coalesce(taken, false);
  IF taken THEN
    -- A new snapshot: an answer that landed between the first look and the insert is seen now.
    SELECT value INTO record FROM records
    WHERE workspace = ws AND collection = coll AND id = key_id AND now_ms < (value->>'storedAtMs')::float8 + retention_ms;
    IF record IS NOT NULL THEN
      DELETE FROM idempotency_claims WHERE workspace = ws AND collection = coll AND id = key_id AND claim_token = token;
      taken := false;
    END IF;
    RETURN;
  END IF;
  SELECT fingerprint INTO holder FROM idempotency_claims
  WHERE workspace = ws AND collection = coll AND id = key_id AND lease_until > clock_timestamp();
END
$$;
`,
  },
  {
    version: 7,
    name: 'shared_state_version',
    sql: `
-- A version of each workspace's shared state (its clock row and its faults), bumped by every
-- change to either, announced on the schema's channel. An instance keeps its copy of the shared
-- state between requests while no change is announced, and a request that ran on that copy
-- commits only if the version is still the one it ran on (PostgresSharedState.cachedVersion).
-- Triggers, not the statements that change the state: no writer can forget to bump it.
ALTER TABLE sandbox_state ADD COLUMN version bigint NOT NULL DEFAULT 0;

-- The channel ConsoleChannel listens on: 'fund_sandbox_console_' and the first 16 hex digits
-- of the SHA-256 of the schema's name (channelName in console-channel.ts).
CREATE FUNCTION sandbox_state_channel(schema_name text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT 'fund_sandbox_console_' || substr(encode(sha256(convert_to(schema_name, 'UTF8')), 'hex'), 1, 16)
$$;

CREATE FUNCTION sandbox_state_bump() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify(sandbox_state_channel(TG_TABLE_SCHEMA), json_build_object('workspace', OLD.workspace, 'state', OLD.version + 1)::text);
    RETURN OLD;
  END IF;
  NEW.version := OLD.version + 1;
  PERFORM pg_notify(sandbox_state_channel(TG_TABLE_SCHEMA), json_build_object('workspace', NEW.workspace, 'state', NEW.version)::text);
  RETURN NEW;
END
$$;
CREATE TRIGGER sandbox_state_bump_update BEFORE UPDATE ON sandbox_state
  FOR EACH ROW WHEN (NEW.key = 'clock') EXECUTE FUNCTION sandbox_state_bump();
CREATE TRIGGER sandbox_state_bump_delete AFTER DELETE ON sandbox_state
  FOR EACH ROW WHEN (OLD.key = 'clock') EXECUTE FUNCTION sandbox_state_bump();

-- A fault armed, used or removed is a change of the workspace's state: its clock row's version.
CREATE FUNCTION sandbox_faults_bump() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE sandbox_state SET version = version
  WHERE workspace = (CASE WHEN TG_OP = 'DELETE' THEN OLD.workspace ELSE NEW.workspace END) AND key = 'clock';
  RETURN NULL;
END
$$;
CREATE TRIGGER sandbox_faults_bump AFTER INSERT OR UPDATE OR DELETE ON faults
  FOR EACH ROW EXECUTE FUNCTION sandbox_faults_bump();
`,
  },
  {
    version: 8,
    name: 'records_by_owner',
    sql: `
-- The owner's index leads with the owner, so that a lookup by key can use no index but the
-- primary key. Led by (workspace, collection), it could serve a lookup by key too, through its
-- first two columns, reading every record of the collection. A plan made while the table is new
-- and unanalyzed cannot tell the two apart, and a connection keeps that plan (a prepared
-- statement's or a function's generic plan) until the table is analyzed: sandbox_claim_key,
-- planned on the first keyed requests, then read every idempotency record twice per keyed
-- create (2 ms a lookup at 5,000 keys, 402 against 558 req/s with custom plans). Every query by
-- owner names all three of (owner, workspace, collection), so the order does not matter to them.
CREATE INDEX records_by_owner ON records (owner, workspace, collection, seq);
DROP INDEX records_owner_seq;

-- The same hazard in sandbox_keep_at_most's delete: made on a new table, its plan for
-- id = ANY (doomed) walked the primary key by (workspace, collection) and filtered the ids, so
-- every eviction read the whole collection. One delete by the whole key per doomed record
-- (usually one, at most greatest(excess, scan)) has no other plan.
CREATE OR REPLACE FUNCTION sandbox_keep_at_most(ws text, coll text, own text, max_n bigint, expiry_field text, expired_at_or_before float8, scan integer)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  excess bigint;
  doomed text[];
  doomed_id text;
BEGIN
  SELECT coalesce((SELECT n FROM record_counts WHERE workspace = ws AND collection = coll AND owner = own), 0) - max_n INTO excess;
  SELECT array_agg(o.id) INTO doomed FROM (
    SELECT s.id, s.value, row_number() OVER (ORDER BY s.seq) AS rn FROM (
      SELECT r.id, r.value, r.seq FROM records r
      WHERE r.workspace = ws AND r.collection = coll AND r.owner = own
      ORDER BY r.seq LIMIT greatest(excess, scan)
    ) s
  ) o
  WHERE o.rn <= excess OR (expiry_field IS NOT NULL AND (o.value->>expiry_field)::float8 <= expired_at_or_before);
  FOREACH doomed_id IN ARRAY coalesce(doomed, '{}') LOOP
    DELETE FROM records WHERE workspace = ws AND collection = coll AND id = doomed_id;
  END LOOP;
END
$$;
`,
  },
  {
    version: 9,
    name: 'console_cleared_before',
    sql: `
-- The instant of a workspace's latest journal clear (ms, the clearing instance's wall clock): a
-- request row answered before it and written after it (another instance's batch, up to batchMs
-- late) is not inserted (console-rows.ts, WRITE_BATCH).
ALTER TABLE console_heads ADD COLUMN cleared_before_ms float8;
`,
  },
  {
    version: 10,
    name: 'commit_function',
    sql: `
-- A commit as one function call (commit-call.ts), sent as a named prepared statement: parsed
-- and planned once per connection, where the script it replaces (its values inlined) was parsed
-- and planned whole on every commit. The same order as the script. Records and claims are
-- deleted one by one, by their whole key: a statement of a function keeps its plan for the
-- connection, and a join with an array, planned while a table is new, could keep a scan
-- (migration 8). 1179861809 is COLLECTION_LOCK ('FSC1').
CREATE FUNCTION sandbox_commit(ws text, shared_version bigint, lock_colls text[],
                               claim_colls text[], claim_ids text[], claim_tokens text[],
                               del_colls text[], del_ids text[],
                               put_colls text[], put_ids text[], put_owners text[], put_values text[],
                               keep_colls text[], keep_owners text[], keep_max bigint[], keep_fields text[], keep_before float8[], keep_scans integer[],
                               refuse_colls text[], refuse_max bigint[], refuse_index integer[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  i integer;
  ended integer := 0;
BEGIN
  IF shared_version IS NOT NULL THEN
    PERFORM sandbox_check(coalesce((SELECT version FROM sandbox_state WHERE workspace = ws AND key = 'clock'), -1) = shared_version, '${STATE_MOVED}');
  END IF;
  FOR i IN 1 .. coalesce(cardinality(lock_colls), 0) LOOP
    PERFORM pg_advisory_xact_lock(${COLLECTION_LOCK}, hashtext(current_schema() || '/' || ws || '/' || lock_colls[i]));
  END LOOP;
  IF coalesce(cardinality(claim_ids), 0) > 0 THEN
    FOR i IN 1 .. cardinality(claim_ids) LOOP
      DELETE FROM idempotency_claims WHERE workspace = ws AND collection = claim_colls[i] AND id = claim_ids[i] AND claim_token = claim_tokens[i];
      IF FOUND THEN ended := ended + 1; END IF;
    END LOOP;
    PERFORM sandbox_check(ended = cardinality(claim_ids), '${CLAIM_LOST}');
  END IF;
  FOR i IN 1 .. coalesce(cardinality(del_ids), 0) LOOP
    DELETE FROM records WHERE workspace = ws AND collection = del_colls[i] AND id = del_ids[i];
  END LOOP;
  IF coalesce(cardinality(put_ids), 0) > 0 THEN
    INSERT INTO records (workspace, collection, id, owner, value)
    SELECT ws, p.collection, p.id, p.owner, p.value::json
    FROM unnest(put_colls, put_ids, put_owners, put_values) WITH ORDINALITY AS p(collection, id, owner, value, n)
    ORDER BY p.n
    ON CONFLICT (workspace, collection, id) DO UPDATE SET owner = EXCLUDED.owner, value = EXCLUDED.value;
  END IF;
  FOR i IN 1 .. coalesce(cardinality(keep_colls), 0) LOOP
    PERFORM sandbox_keep_at_most(ws, keep_colls[i], keep_owners[i], keep_max[i], keep_fields[i], keep_before[i], keep_scans[i]);
  END LOOP;
  FOR i IN 1 .. coalesce(cardinality(refuse_colls), 0) LOOP
    PERFORM sandbox_check((SELECT coalesce(sum(n), 0) FROM record_counts WHERE workspace = ws AND collection = refuse_colls[i]) <= refuse_max[i], '${REFUSED}' || refuse_index[i]);
  END LOOP;
END
$$;
`,
  },
];

/** Lock class of the migration lock (pg_advisory_xact_lock(class, hashtext(schema))). */
const MIGRATION_LOCK = 0x46534d31; // 'FSM1'

/**
 * Brings the schema up to date: in one transaction, under an advisory lock on the schema, so
 * instances starting together queue up and only the first applies anything. Returns the
 * versions this call applied. `schema` is created when missing (tests use one per suite);
 * without it, the connection's current schema is used.
 */
export async function migrate(pool: Pool, schema?: string): Promise<number[]> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext(coalesce($2::text, current_schema())))', [MIGRATION_LOCK, schema ?? null]);
    if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((row) => row.version));
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      applied.push(migration.version);
    }
    return applied;
  });
}
