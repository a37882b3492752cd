// A TCP proxy in front of a server, that can freeze the connections it carries: they stay open but
// nothing passes either way, as when a NAT or a load balancer silently drops a long-lived
// connection. New connections pass normally.
import { createConnection, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  url: string;
  /** Where connections go (settable: a server may need the proxy's URL before it listens). */
  target: { host: string; port: number };
  /** Stops every open connection dead (no close, no data); returns how many. */
  freeze(): number;
  /** Resets every open connection at once (as a restarting proxy does); returns how many. */
  cut(): number;
  close(): Promise<void>;
}

export async function startTcpProxy(target = { host: '127.0.0.1', port: 0 }): Promise<TcpProxy> {
  const proxy = { target };
  const pairs = new Set<{ client: Socket; upstream: Socket; frozen: boolean }>();
  const server = createServer((client) => {
    const upstream = createConnection(proxy.target);
    const pair = { client, upstream, frozen: false };
    pairs.add(pair);
    const forward = (from: Socket, to: Socket) => from.on('data', (chunk) => pair.frozen || to.write(chunk));
    forward(client, upstream);
    forward(upstream, client);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    get target() {
      return proxy.target;
    },
    set target(value) {
      proxy.target = value;
    },
    freeze: () => {
      let n = 0;
      for (const pair of pairs) if (!pair.frozen) ((pair.frozen = true), n++);
      return n;
    },
    cut: () => {
      const n = pairs.size;
      for (const { client, upstream } of [...pairs]) (client.resetAndDestroy(), upstream.destroy());
      return n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const { client, upstream } of pairs) (client.destroy(), upstream.destroy());
        server.close(() => resolve());
      }),
  };
}
