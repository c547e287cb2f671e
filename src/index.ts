/**
 * Library entry: run the sandbox in-process from your own tests.
 *
 * @example
 * import { createSandbox } from 'fund-distribution-sandbox';
 * const sandbox = await createSandbox({ seed: 1 });
 * const baseUrl = await sandbox.start(0);
 */
export { createSandbox, type Sandbox, type SandboxOptions } from './sandbox.js';
export { createApp, type AppOptions } from './app.js';
export { SandboxClock } from './core/clock.js';
export { createLogger, type Logger } from './core/logging.js';
export type { SandboxData } from './apis/index.js';
export { createControlPlane, type ControlPlane, type ControlPlaneOptions } from './control-plane/control-plane.js';
export type { CoverageReport, CoverageOperation, CoverageGap } from './control-plane/coverage.js';
export type { JournalEntry, JournalFilter } from './control-plane/journal.js';
export type { Fault, FaultSpec } from './control-plane/faults.js';
export { verify, type VerifyOptions, type VerifyReport, type CaseResult } from './verify/runner.js';
export type { Difference, DifferenceKind, DriftClass } from './verify/types.js';
export type { Profile as VerifyProfile } from './verify/profile.js';
export type { BaselineEntry } from './verify/baseline.js';
