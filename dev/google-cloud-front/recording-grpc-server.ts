import * as grpc from "@grpc/grpc-js";

/** One call as it arrived: its bytes on the wire, and decoded. */
export interface RecordedCall<Request> {
  method: string;
  /** The serialised request exactly as the client sent it. */
  raw: Buffer;
  /** `raw` read one character per byte (latin1): a key, being ASCII, appears in it verbatim. */
  text: string;
  request: Request;
  /** Whether the call was answered with a staged rejection rather than accepted. */
  rejected: boolean;
}

export interface Rejection {
  code: grpc.status;
  details: string;
}

export interface RecordingGrpcServer<Request> {
  readonly port: number;
  readonly calls: readonly RecordedCall<Request>[];
  /** Answers the next `times` calls with `rejection` (they are still recorded). */
  rejectNext(times: number, rejection: Rejection): void;
  stop(): Promise<void>;
}

/**
 * A TLS gRPC server for one service of a Google API that records every unary call it gets, bytes and
 * all, and answers each with `respond` (or a staged rejection). The methods not in `respond` answer
 * UNIMPLEMENTED, as grpc-js does for a method without a handler.
 */
export async function startRecordingGrpcServer<Request>(options: {
  service: grpc.ServiceDefinition;
  respond: Record<string, (request: Request) => object>;
  tls: { certPem: Buffer; keyPem: Buffer };
}): Promise<RecordingGrpcServer<Request>> {
  const calls: RecordedCall<Request>[] = [];
  const staged: Rejection[] = [];
  const rawOf = new WeakMap<object, Buffer>();

  const service: Record<string, grpc.MethodDefinition<object, object>> = {};
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(options.service)) {
    const deserialize = method.requestDeserialize as (bytes: Buffer) => object;
    service[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        const request = deserialize(bytes);
        rawOf.set(request, Buffer.from(bytes));
        return request;
      },
    };
    const respond = options.respond[name];
    if (!respond) continue;
    implementation[name] = (call: grpc.ServerUnaryCall<Request & object, object>, callback: grpc.sendUnaryData<object>) => {
      const raw = rawOf.get(call.request) ?? Buffer.alloc(0);
      const rejection = staged.shift();
      calls.push({ method: name, raw, text: raw.toString("latin1"), request: call.request, rejected: rejection !== undefined });
      if (rejection) callback({ code: rejection.code, details: rejection.details });
      else callback(null, respond(call.request));
    };
  }

  const server = new grpc.Server();
  server.addService(service, implementation);
  const credentials = grpc.ServerCredentials.createSsl(null, [{ cert_chain: options.tls.certPem, private_key: options.tls.keyPem }]);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", credentials, (error, boundPort) => (error ? reject(error) : resolve(boundPort))),
  );
  return {
    port,
    calls,
    rejectNext(times, rejection) {
      for (let index = 0; index < times; index++) staged.push(rejection);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.forceShutdown();
        resolve();
      }),
  };
}
