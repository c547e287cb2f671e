// Native ESM all the way (lowdb and faker are ESM-only): swc strips the types and keeps `import`,
// and jest runs the result under --experimental-vm-modules (see the `test` script).
const base = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // Generous per test: on a loaded 2-core machine a sandbox's start alone can take seconds. No
  // test waits on the wall clock (the sandbox clock and ephemeral ports do), so this only
  // bounds a hang.
  testTimeout: 30_000,
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'es6' },
      },
    ],
  },
};

/**
 * The API suites that run a second time on PostgreSQL (`SANDBOX_TEST_STORE=postgres`: their
 * `testSandbox()` opens a fresh schema in DATABASE_URL): the APIs, idempotency, tokens, the
 * clock, faults, lifecycle, reset and restarts. Suites about the embedded store's internals
 * (file persistence, its indexes) or the CLI run once, in the `embedded` project.
 */
const ON_BOTH_STORES = [
  'norcap/list',
  'norcap/seed-examples',
  'norcap/auth',
  'nova/distributions',
  'nova/entities-contacts',
  'nova/access',
  'nova/idempotency',
  'nova/oauth',
  'nova/lifecycle',
  'control-plane/clock',
  'control-plane/faults',
  'control-plane/lifecycle',
  'control-plane/reset',
  'control-plane/nova',
  'control-plane/auto-advance',
  'workspaces/isolation',
  'workspaces/access',
  'reliability/bounds-under-load',
  'console/stream',
  'console/security',
  'core/auth-before-body',
];

// Without DATABASE_URL the PostgreSQL run is left out locally (with a notice); under CI=true it
// stays in and fails, so CI can never pass without it (see test/support/postgres.ts).
const withPostgres = Boolean(process.env.DATABASE_URL) || process.env.CI === 'true';
if (!withPostgres) {
  console.warn('jest: the postgres project (API suites on PostgreSQL) is skipped: DATABASE_URL is not set. Run `eval "$(scripts/test-postgres.sh start)"` first.');
}

export default {
  projects: [
    { ...base, displayName: 'embedded', testMatch: ['**/*.test.ts'] },
    ...(withPostgres
      ? [
          {
            ...base,
            displayName: 'postgres',
            testMatch: ON_BOTH_STORES.map((name) => `<rootDir>/test/${name}.test.ts`),
            setupFiles: ['<rootDir>/test/support/postgres-project.ts'],
          },
        ]
      : []),
  ],
};
