import { expect, test } from '@jest/globals';
import { loadOnce } from '../../src/core/load-once.js';

test('a module loaded on first use is loaded once, however many callers ask at the same time', async () => {
  let loads = 0;
  const load = loadOnce(async () => ({ n: ++loads }));
  expect(loads).toBe(0); // nothing at definition: only on first use
  const [a, b] = await Promise.all([load(), load()]);
  expect(a).toBe(b);
  expect(await load()).toBe(a);
  expect(loads).toBe(1);
});
