import { open, readFile, rm } from 'node:fs/promises';

/**
 * `FILE.lock`, holding the owner's pid: two servers appending to one journal would corrupt it,
 * so a second one on the same data file is refused. A lock whose process is gone (a `kill -9`)
 * is stale and taken over.
 *
 * Kept hand-written rather than `proper-lockfile`, on purpose: that library decides staleness
 * by the lock's mtime, refreshed on a timer (at least every second, stale after 2 s or more).
 * A restart right after a `kill -9` would then wait out the stale period (the crash tests and
 * anyone restarting a crashed sandbox would see "in use" or a retry delay), and an event loop
 * blocked past the stale period under load makes it declare the lock compromised and throw. A
 * pid check is exact and instant for what this lock guards: two sandboxes on one machine
 * sharing a data file. (Its known limits: a recycled pid keeps a stale lock alive, hence the
 * "remove FILE.lock" hint; a data file shared over a network filesystem is not guarded.)
 *
 * @example
 * const lock = await LockFile.acquire('/tmp/sandbox.json.lock');
 * await lock.release();
 */
export class LockFile {
  private constructor(readonly path: string) {}

  static async acquire(path: string): Promise<LockFile> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(path, 'wx');
        await handle.writeFile(`${process.pid}\n`);
        await handle.close();
        return new LockFile(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
        if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
          throw new Error(`${path.replace(/\.lock$/, '')} is in use by process ${owner} (remove ${path} if that is wrong)`, { cause: error });
        }
        await rm(path, { force: true }); // stale: its process is gone
      }
    }
    throw new Error(`could not lock ${path}`);
  }

  async release(): Promise<void> {
    await rm(this.path, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, someone else's
  }
}
