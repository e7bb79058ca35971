import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { readFileSync } from "node:fs";
import { startRecordingGrpcServer, type RecordingGrpcServer } from "../google-cloud-front/recording-grpc-server";

/** The host Google's logging client dials (@google-cloud/logging-api: `logging.` + the universe domain). */
export const cloudLoggingHost = "logging.googleapis.com";

/** A WriteLogEntries request as decoded here (the fields the checks read). */
export interface WriteLogEntriesRequest {
  logName?: string;
  entries?: Array<{ logName?: string; severity?: string; textPayload?: string; jsonPayload?: unknown; labels?: Record<string, string> }>;
}

export type CloudLoggingStandIn = RecordingGrpcServer<WriteLogEntriesRequest>;

/**
 * A local stand-in for the Cloud Logging API's gRPC service google.logging.v2.LoggingServiceV2, as the
 * local KMS is for KMS: it accepts WriteLogEntries (what @google-cloud/logging, under
 * @google-cloud/logging-winston and Genkit Monitoring, calls for every log line) and records every request,
 * bytes and all; `rejectNext` makes writes fail as the real API does, e.g. PERMISSION_DENIED for a
 * service account without roles/logging.logWriter. The service definition comes from the protos that
 * ship with @google-cloud/logging-api, the client's own.
 */
export function startCloudLoggingStandIn(tls: { certPem: Buffer; keyPem: Buffer }): Promise<CloudLoggingStandIn> {
  return startRecordingGrpcServer<WriteLogEntriesRequest>({
    service: loadLoggingServiceDefinition(),
    respond: { WriteLogEntries: () => ({}) },
    tls,
  });
}

/** What the real API answers a write without roles/logging.logWriter (code 7). */
export const permissionDenied = {
  code: grpc.status.PERMISSION_DENIED,
  details: "Permission 'logging.logEntries.create' denied on resource (or it may not exist).",
};

function loadLoggingServiceDefinition(): grpc.ServiceDefinition {
  const protos = JSON.parse(readFileSync(require.resolve("@google-cloud/logging-api/build/protos/protos.json"), "utf8")) as object;
  const definition = protoLoader.fromJSON(protos, { enums: String, defaults: false, oneofs: true });
  return definition["google.logging.v2.LoggingServiceV2"] as grpc.ServiceDefinition;
}
