import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { gcloudFirestoreEmulator } from "../../dev/firestore-emulator";
import { describeBusyPorts, findPortOwner, isPortFree } from "../../dev/port-owner";
import { waitUntil } from "../support/wait";

/**
 * `npm start` leaves nothing behind: a closed terminal (SIGHUP), Ctrl-C or a kill stops the detached
 * Firestore emulator too, so the next `npm start` finds its port free; and a port still taken is named
 * with the process that holds it.
 */

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function startSupervisedStack(port: number): { stack: ChildProcess; ready: Promise<void>; exited: Promise<number | null> } {
  const stack = spawn(process.execPath, ["--import", "tsx", join(__dirname, "..", "support", "supervised-stack.ts"), String(port)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const ready = new Promise<void>((resolve, reject) => {
    let output = "";
    stack.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("supervised stack ready")) resolve();
    });
    stack.once("exit", (code) => reject(new Error(`the supervised stack exited (${code}) before it was ready`)));
  });
  const exited = new Promise<number | null>((resolve) => stack.once("exit", (code) => resolve(code)));
  return { stack, ready, exited };
}

describe("npm start leaves nothing behind", () => {
  for (const signal of ["SIGHUP", "SIGINT", "SIGTERM"] as const) {
    it(`stops the detached Firestore emulator when it gets ${signal}${signal === "SIGHUP" ? " (the terminal was closed)" : ""}`, async function () {
      if (!existsSync(gcloudFirestoreEmulator)) {
        console.log(`      skipped: no standalone Firestore emulator at ${gcloudFirestoreEmulator}; on Java 21+ firebase-tools runs Firestore itself, with nothing detached to leave behind`);
        this.skip();
      }
      this.timeout(120_000);
      const port = await freePort();
      const { stack, ready, exited } = startSupervisedStack(port);
      try {
        await ready;
        assert.equal(await isPortFree({ host: "127.0.0.1", port }), false, "the emulator listens while the stack runs");

        stack.kill(signal);
        assert.equal(await exited, 1, "the stack exits as its firebase-tools child stopped by SIGINT does");

        await waitUntil(`port ${port} is free`, () => isPortFree({ host: "127.0.0.1", port }), { timeoutMs: 15_000 });
        assert.equal(findPortOwner(port), undefined, "no process still listens on the emulator's port");
      } finally {
        if (stack.exitCode === null) stack.kill("SIGKILL");
      }
    });
  }

  it("names the process that holds a port it needs", async () => {
    const holder = spawn(process.execPath, ["-e", "require('node:net').createServer().listen(0, '127.0.0.1', function () { console.log(this.address().port) })"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const port = await new Promise<number>((resolve) => holder.stdout.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
      const message = await describeBusyPorts({ "Firestore emulator": { host: "127.0.0.1", port } });
      assert.ok(message, "a taken port is reported");
      assert.match(message, new RegExp(`port ${port} \\(Firestore emulator\\) is held by process ${holder.pid}: .*node`));
      assert.equal(await describeBusyPorts({ "Firestore emulator": { host: "127.0.0.1", port: await freePort() } }), undefined);
    } finally {
      holder.kill();
    }
  });
});
