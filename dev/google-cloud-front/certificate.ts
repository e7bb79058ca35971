import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface StandInCertificate {
  /** PEM certificate (self-signed, so it is also the root to trust) and its private key. */
  certPem: Buffer;
  keyPem: Buffer;
  /** A file holding the certificate, for GRPC_DEFAULT_SSL_ROOTS_FILE_PATH. */
  rootsFile: string;
  dispose(): void;
}

/**
 * A throwaway TLS certificate for Google API host names (e.g. logging.googleapis.com), made with the
 * openssl CLI at run time so no private key is ever committed. Google's client libraries always dial
 * those hosts over TLS; a process that trusts this certificate as its gRPC root
 * (GRPC_DEFAULT_SSL_ROOTS_FILE_PATH, read by @grpc/grpc-js) reaches the stand-ins unchanged.
 */
export function createStandInCertificate(hostNames: readonly string[]): StandInCertificate {
  const dir = mkdtempSync(join(tmpdir(), "google-cloud-front-"));
  const certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  execFileSync(
    "openssl",
    [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", keyFile, "-out", certFile, "-days", "1", "-subj", "/CN=Google Cloud stand-in",
      "-addext", `subjectAltName=${hostNames.map((host) => `DNS:${host}`).join(",")}`,
    ],
    { stdio: "ignore" },
  );
  return {
    certPem: readFileSync(certFile),
    keyPem: readFileSync(keyFile),
    rootsFile: certFile,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
