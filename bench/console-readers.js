// (i)'s consoles, in a process of their own: `node bench/console-readers.js URL N` opens N
// console streams (`GET /console/stream`, as an EventSource would), counts the row frames each
// receives, and answers the bench over IPC: 'ready' once every stream has its `hello`, then a
// report ({ consoles: [{ rows, closed }] }) on each 'report' message; 'close' ends them all.
// Reading 20 streams in the bench's own process put their parsing on autocannon's event loop,
// which then measured its own delays as the server's latency.
import { Buffer } from 'node:buffer';
import { request as httpRequest } from 'node:http';

const [url, count] = process.argv.slice(2);
const marker = Buffer.from('\nevent: request\n');

function open() {
  return new Promise((resolve, reject) => {
    const c = { rows: 0, closed: false, req: undefined };
    c.req = httpRequest(`${url}/console/stream`, { headers: { Accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`console stream: ${res.statusCode}`));
      let hello = false;
      res.on('data', (chunk) => {
        // As cheap as a reader can be: count the `event: request` lines in the raw bytes (a frame is written whole).
        for (let at = chunk.indexOf(marker); at >= 0; at = chunk.indexOf(marker, at + marker.length)) c.rows += 1;
        if (!hello && chunk.includes('event:hello')) {
          hello = true;
          resolve(c);
        }
      });
      res.on('close', () => (c.closed = true));
      res.on('error', () => undefined);
    });
    c.req.on('error', reject);
    c.req.end();
  });
}

try {
  const consoles = await Promise.all(Array.from({ length: Number(count) }, open));
  process.on('message', (message) => {
    if (message === 'report') process.send({ consoles: consoles.map(({ rows, closed }) => ({ rows, closed })) });
    if (message === 'close') {
      for (const c of consoles) c.req.destroy();
      process.disconnect();
    }
  });
  process.send('ready');
} catch (error) {
  process.send({ error: String(error) });
  process.disconnect();
}
