// Native ESM all the way (lowdb and faker are ESM-only): swc strips the types and keeps `import`,
// and jest runs the result under --experimental-vm-modules (see the `test` script).
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
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
