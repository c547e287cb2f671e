// How a child process tells its parent that something happened, so that a kill -9 right after
// cannot take the news with it. `process.stdout.write` to a pipe the parent has not yet read
// (a full pipe: 64 KiB on Linux) does not block: Node keeps the rest in the process's memory and
// goes on, and SIGKILL discards it. The crash writer printed its acknowledgements that way, so
// under load (a parent slow to read) it committed and "acknowledged" hundreds of changes whose
// lines never left it: persistence-crash.test.ts then found more recovered records than it knew
// of (73 against a bound of 24, in 1 of 20 loaded full-suite runs). Resolving only when the line
// is in the kernel's pipe makes what was printed and what the parent can read the same thing.

/**
 * Writes `line` to stdout and resolves once it has left this process (it is in the pipe).
 *
 * @example
 * await acknowledge(`+${id}\n`); // a kill -9 from here on cannot lose this line
 */
export function acknowledge(line) {
  return new Promise((resolve, reject) => process.stdout.write(line, (error) => (error ? reject(error) : resolve())));
}
