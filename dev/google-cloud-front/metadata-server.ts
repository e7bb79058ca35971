import { createServer } from "node:http";

export interface MetadataServer {
  /** `127.0.0.1:port`, the value for GCE_METADATA_HOST. */
  readonly host: string;
  /** Access tokens handed out. */
  tokenRequests(): number;
  stop(): Promise<void>;
}

/**
 * The part of the GCE metadata server that Google's auth library uses on Cloud Functions (Application
 * Default Credentials there): the detection ping, the project id and the default service account's
 * access token. google-auth-library (through gcp-metadata) asks GCE_METADATA_HOST when it is set.
 */
export async function startMetadataServer(options: { projectId: string }): Promise<MetadataServer> {
  let tokens = 0;
  const server = createServer((request, response) => {
    const path = (request.url ?? "").split("?")[0];
    const headers = { "Metadata-Flavor": "Google" };
    if (request.headers["metadata-flavor"] !== "Google") {
      response.writeHead(403, headers).end("Missing Metadata-Flavor: Google");
      return;
    }
    if (path === "/computeMetadata/v1/instance/service-accounts/default/token") {
      tokens++;
      response.writeHead(200, { ...headers, "Content-Type": "application/json" });
      response.end(JSON.stringify({ access_token: `stand-in-token-${tokens}`, expires_in: 3599, token_type: "Bearer" }));
      return;
    }
    if (path === "/computeMetadata/v1/project/project-id") {
      response.writeHead(200, { ...headers, "Content-Type": "text/plain" }).end(options.projectId);
      return;
    }
    if (path === "/computeMetadata/v1/instance" || path === "/computeMetadata/v1/instance/") {
      response.writeHead(200, { ...headers, "Content-Type": "text/plain" }).end("");
      return;
    }
    response.writeHead(404, headers).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    host: `127.0.0.1:${port}`,
    tokenRequests: () => tokens,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
