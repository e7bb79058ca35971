import type { status } from "@grpc/grpc-js";
import type { KmsMethod } from "./kms-service";

/** A failure to stage for calls to one method ("*" = every method). */
export interface Fault {
  method: KmsMethod | "*";
  /** gRPC status to answer with instead of handling the call, e.g. `status.UNAVAILABLE`. */
  code?: status;
  /** Latency added before the call is answered (with `code` or normally). */
  delayMs?: number;
  /** Apply to the next `times` matching calls only; without it, until `clearFaults()`. */
  times?: number;
}

/** Staged faults, consumed in the order they were injected. */
export class FaultInjector {
  private staged: { fault: Fault; remaining: number }[] = [];

  inject(fault: Fault): void {
    if (fault.code === undefined && !fault.delayMs) throw new Error("A fault needs a code, a delayMs, or both.");
    if (fault.times !== undefined && !(Number.isInteger(fault.times) && fault.times > 0)) {
      throw new Error("Fault times must be a positive integer.");
    }
    this.staged.push({ fault: { ...fault }, remaining: fault.times ?? Infinity });
  }

  clear(): void {
    this.staged = [];
  }

  /** The first staged fault matching `method`, counting this call against its `times`. */
  take(method: KmsMethod): Fault | undefined {
    const entry = this.staged.find((s) => s.fault.method === "*" || s.fault.method === method);
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining === 0) this.staged.splice(this.staged.indexOf(entry), 1);
    return entry.fault;
  }
}
