// The `postgres` jest project (jest.config.js): every `testSandbox()` of its suites opens a
// sandbox on PostgreSQL. Under CI=true a missing DATABASE_URL fails each of them loudly.
process.env.SANDBOX_TEST_STORE = 'postgres';
if (!process.env.DATABASE_URL) {
  throw new Error('the postgres project needs DATABASE_URL: run `eval "$(scripts/test-postgres.sh start)"` first (CI=true runs it without skipping)');
}
