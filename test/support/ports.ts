import { createServer, type AddressInfo } from 'node:net';
import { once } from 'node:events';

/** A port nothing listens on: bound on loopback, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
