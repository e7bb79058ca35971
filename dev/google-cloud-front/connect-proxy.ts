import { createServer, type IncomingMessage } from "node:http";
import { connect, type Socket } from "node:net";

export interface ConnectProxy {
  /** `http://127.0.0.1:port`, the value for grpc_proxy. */
  readonly url: string;
  /** Every CONNECT target asked for, in order (`host:port`), routed or not. */
  readonly targets: readonly string[];
  stop(): Promise<void>;
}

/**
 * An HTTP CONNECT proxy that sends each tunnel for a known Google API host (`host:443`) to the local
 * port serving it, and refuses every other target. @grpc/grpc-js honours `grpc_proxy` by opening such a
 * tunnel and then speaking TLS to the original host name through it, so Google's own clients, with
 * their built-in endpoints, reach the stand-ins without any option changed. Nothing leaves the machine.
 */
export async function startConnectProxy(routes: Readonly<Record<string, number>>): Promise<ConnectProxy> {
  const targets: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((_request, response) => response.writeHead(405).end());
  server.on("connect", (request: IncomingMessage, client: Socket, head: Buffer) => {
    const target = request.url ?? "";
    targets.push(target);
    sockets.add(client);
    client.once("close", () => sockets.delete(client));
    client.on("error", () => client.destroy());
    const port = routes[target];
    if (port === undefined) {
      client.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    const upstream = connect(port, "127.0.0.1", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.once("close", () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on("error", () => client.destroy());
    client.once("close", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    targets,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
