import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { once } from 'node:events';

/**
 * A TCP proxy in front of the test database (unix socket or TCP), so a test can take the
 * database away and bring it back: `down()` drops every connection and refuses new ones (each
 * is closed at once, as a database that went away), `up()` lets them through again.
 */
export interface TcpProxy {
  /** `DATABASE_URL` with the proxy as its host. */
  url: string;
  down(): void;
  up(): void;
  close(): Promise<void>;
}

export async function tcpProxy(target: string): Promise<TcpProxy> {
  const parsed = new URL(target);
  const host = parsed.searchParams.get('host') ?? parsed.hostname;
  const upstreamPort = Number(parsed.port || 5432);
  const sockets = new Set<Socket>();
  let isDown = false;
  const server = createServer((client) => {
    if (isDown) {
      client.destroy();
      return;
    }
    const upstream = host.startsWith('/') ? connect(`${host}/.s.PGSQL.${upstreamPort}`) : connect(upstreamPort, host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = new URL(target);
  url.searchParams.delete('host');
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as AddressInfo).port);
  const dropAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    url: url.href,
    down() {
      isDown = true;
      dropAll();
    },
    up() {
      isDown = false;
    },
    async close() {
      dropAll();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
