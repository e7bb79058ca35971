import type * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { readFileSync } from "node:fs";
import { startRecordingGrpcServer, type RecordingGrpcServer } from "../google-cloud-front/recording-grpc-server";

/** The host @google-cloud/opentelemetry-cloud-trace-exporter dials (its default apiEndpoint, port 443). */
export const cloudTraceHost = "cloudtrace.googleapis.com";

/** A BatchWriteSpans request as decoded here (the fields the checks read). */
export interface BatchWriteSpansRequest {
  name?: string;
  spans?: Array<{ name?: string; spanId?: string; displayName?: { value?: string }; attributes?: { attributeMap?: Record<string, unknown> } }>;
}

export type CloudTraceStandIn = RecordingGrpcServer<BatchWriteSpansRequest>;

/**
 * A local stand-in for the Cloud Trace API's gRPC service google.devtools.cloudtrace.v2.TraceService:
 * it accepts BatchWriteSpans, the one method Genkit Monitoring's span exporter
 * (@google-cloud/opentelemetry-cloud-trace-exporter's TraceExporter) calls, and records every request,
 * bytes and all. The service definition comes from that exporter's own protos.json.
 */
export function startCloudTraceStandIn(tls: { certPem: Buffer; keyPem: Buffer }): Promise<CloudTraceStandIn> {
  return startRecordingGrpcServer<BatchWriteSpansRequest>({
    service: loadTraceServiceDefinition(),
    respond: { BatchWriteSpans: () => ({}) },
    tls,
  });
}

function loadTraceServiceDefinition(): grpc.ServiceDefinition {
  const protos = JSON.parse(readFileSync(require.resolve("@google-cloud/opentelemetry-cloud-trace-exporter/build/protos/protos.json"), "utf8")) as object;
  const definition = protoLoader.fromJSON(protos, { enums: String, defaults: false, oneofs: true });
  return definition["google.devtools.cloudtrace.v2.TraceService"] as grpc.ServiceDefinition;
}
