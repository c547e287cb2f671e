import type { Workspace } from '../workspaces/registry.js';

/**
 * Freezes a workspace's clock where it reads now, or lets it run on from there (the console's
 * Freeze and Unfreeze). With `--database` the clock is the workspace's shared one: the change
 * goes through its shared state, so every instance's clock freezes (a local change would be
 * undone by the next refresh from the database). In one process, the clock itself.
 */
export async function setFrozen(workspace: Workspace, frozen: boolean): Promise<void> {
  if (workspace.shared) {
    await workspace.shared.setFrozen(frozen);
    return;
  }
  const clock = workspace.ctx.clock;
  const now = clock.nowMs();
  const wall = Date.now();
  // The reading stays where it is; only whether it runs on with the wall clock changes.
  if (frozen && !clock.frozen) clock.adopt({ offsetMs: now - wall, frozenAtMs: wall });
  if (!frozen && clock.frozen) clock.adopt({ offsetMs: now - wall, frozenAtMs: null });
}
