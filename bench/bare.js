// The baseline every figure is divided by: a bare express 5 app that parses the same JSON body
// (same 1 MB limit), makes one uuid and answers JSON, on any path and method; nothing else.
// `node bench/bare.js --port 0` prints `bare express listening on http://127.0.0.1:PORT` first,
// as the sandbox's CLI does, then serves until SIGTERM.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import express from 'express';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } } });

const app = express();
app.use(express.json({ limit: '1mb' }));
app.use((req, res) => {
  res.status(req.method === 'POST' ? 201 : 200).json({ id: randomUUID(), items: Array.isArray(req.body) ? req.body.length : 0 });
});

const server = app.listen(Number(values.port), values.host, () => {
  const address = server.address();
  process.stdout.write(`bare express listening on http://${values.host}:${address.port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
