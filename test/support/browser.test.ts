import { describe, expect, jest, test } from '@jest/globals';
import { BROWSER_LOCATIONS, browserForTests, findBrowser } from './browser.js';

/** An `exists` check that knows only these paths. */
const only = (...paths: string[]) => (path: string) => paths.includes(path);

describe('findBrowser', () => {
  test('CHROME_PATH wins over every usual location', () => {
    expect(findBrowser({ CHROME_PATH: '/opt/chrome/chrome' }, only('/opt/chrome/chrome', '/usr/bin/chromium'))).toEqual({ found: true, path: '/opt/chrome/chrome' });
  });

  test('a CHROME_PATH that does not exist is reported, never replaced by another browser', () => {
    const search = findBrowser({ CHROME_PATH: '/nowhere/chrome' }, only('/usr/bin/chromium'));
    expect(search).toEqual({ found: false, reason: 'CHROME_PATH is /nowhere/chrome, which does not exist' });
  });

  test('an empty CHROME_PATH counts as unset', () => {
    expect(findBrowser({ CHROME_PATH: '' }, only('/usr/bin/chromium'))).toEqual({ found: true, path: '/usr/bin/chromium' });
  });

  test.each([...BROWSER_LOCATIONS])('finds %s when it is the only one installed', (path) => {
    expect(findBrowser({}, only(path))).toEqual({ found: true, path });
  });

  test('the usual locations are tried in order: Debian chromium first, macOS Chromium last', () => {
    expect(findBrowser({}, only(...BROWSER_LOCATIONS))).toEqual({ found: true, path: '/usr/bin/chromium' });
    expect(findBrowser({}, only('/usr/bin/google-chrome-stable', '/usr/bin/chromium-browser'))).toEqual({ found: true, path: '/usr/bin/chromium-browser' });
    expect(BROWSER_LOCATIONS).toEqual([
      '/usr/bin/chromium',
      '/usr/bin/chromium-browser',
      '/usr/bin/google-chrome',
      '/usr/bin/google-chrome-stable',
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
      '/Applications/Chromium.app/Contents/MacOS/Chromium',
    ]);
  });

  test('nothing installed: not found, naming every place looked at', () => {
    const search = findBrowser({}, only());
    expect(search.found).toBe(false);
    for (const path of ['CHROME_PATH', ...BROWSER_LOCATIONS]) expect(search.found ? '' : search.reason).toContain(path);
  });
});

describe('browserForTests', () => {
  test('found: the path, and no notice', () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(browserForTests({ CHROME_PATH: '/opt/chrome' }, only('/opt/chrome'))).toBe('/opt/chrome');
      expect(write).not.toHaveBeenCalled();
    } finally {
      write.mockRestore();
    }
  });

  test('missing locally: undefined (the caller skips) and a notice on stderr saying how to get one', () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(browserForTests({}, only())).toBeUndefined();
      const notice = write.mock.calls.map(([chunk]) => String(chunk)).join('');
      expect(notice).toContain('SKIPPING browser tests');
      expect(notice).toContain('apt-get install chromium');
      expect(notice).toContain('set CHROME_PATH');
    } finally {
      write.mockRestore();
    }
  });

  test.each(['true', '1'])('missing under CI=%s: a failure, not a skip', (ci) => {
    expect(() => browserForTests({ CI: ci }, only())).toThrow(/CI=true: a missing browser is a failure/);
    expect(() => browserForTests({ CI: ci, CHROME_PATH: '/nowhere' }, only('/usr/bin/chromium'))).toThrow(/CHROME_PATH is \/nowhere/);
  });

  test('CI=false is a local run', () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(browserForTests({ CI: 'false' }, only())).toBeUndefined();
    } finally {
      write.mockRestore();
    }
  });
});
