import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { Console } from "node:console";
import { join } from "node:path";
import { Writable } from "node:stream";
import { repoRoot } from "../../dev/stack-config";
import { providerInfo } from "../../functions/src/providers";
import { maxHeldBack, redactKeysInWrites } from "../../functions/src/redaction/redact-keys-in-writes";
import { fakeGeminiKey, keyShaped } from "../support/keys";

/** A stream that keeps every byte its `write` passes on, wrapped as the functions wrap stdout and stderr. */
function capturedStream() {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  const redacting = redactKeysInWrites(stream);
  return { stream, flush: () => redacting.flush(), bytes: () => Buffer.concat(chunks), text: () => Buffer.concat(chunks).toString("utf8") };
}

describe("key redaction in stdout/stderr writes", () => {
  it("redacts keys in console output: values, field names (JSON and util.inspect), both key shapes", () => {
    const out = capturedStream();
    const console = new Console(out.stream);
    const [auth, retired] = [fakeGeminiKey(), fakeGeminiKey("", "standard")];
    console.log(JSON.stringify({ apiKey: auth, severity: "WARNING", message: "Request body is missing data." }));
    console.log(JSON.stringify({ [auth]: 1, nested: { [retired]: "x" } }));
    console.log({ [retired]: { apiKey: auth } });
    console.log("key=%s;", auth);
    const text = out.text();
    assert.ok(!keyShaped.test(text), text);
    assert.match(text, /\{"apiKey":"\[redacted key\]","severity":"WARNING"/);
    assert.match(text, /\{"\[redacted key\]":1,"nested":\{"\[redacted key\]":"x"\}\}/);
    assert.match(text, /key=\[redacted key\];\n/);
  });

  it("passes key-free lines through as the same chunk", () => {
    const out = capturedStream();
    const line = Buffer.from('{"severity":"INFO","message":"api key event"}\n');
    out.stream.write(line);
    assert.equal(out.bytes().compare(line), 0);
  });

  it("redacts a key split across writes, down to one character per write", () => {
    const key = fakeGeminiKey();
    const halves = capturedStream();
    halves.stream.write(`{"apiKey":"${key.slice(0, 20)}`);
    halves.stream.write(`${key.slice(20)}"}\n`);
    assert.equal(halves.text(), '{"apiKey":"[redacted key]"}\n');

    const single = capturedStream();
    for (const character of `apiKey=${key}\n`) single.stream.write(character);
    assert.equal(single.text(), "apiKey=[redacted key]\n");
  });

  it("holds back only the unfinished end of a line, and writes it on flush", () => {
    const out = capturedStream();
    out.stream.write("waiting for AQ.12");
    assert.equal(out.text(), "waiting for ");
    out.flush();
    assert.equal(out.text(), "waiting for AQ.12");
  });

  it("reads Buffers and encoded strings as the bytes they are, keeping other bytes exact", () => {
    const key = fakeGeminiKey();
    const out = capturedStream();
    const text = `é ${key} ✓\n`;
    const bytes = Buffer.from(text);
    const splitInsideKey = bytes.indexOf("AQ.") + 10;
    out.stream.write(bytes.subarray(0, splitInsideKey));
    out.stream.write(new Uint8Array(bytes.subarray(splitInsideKey)));
    out.stream.write(Buffer.from(`hex ${key}\n`).toString("hex"), "hex");
    assert.equal(out.text(), "é [redacted key] ✓\nhex [redacted key]\n");
  });

  it("calls the writer's callback, with or without an encoding", async () => {
    const out = capturedStream();
    const key = fakeGeminiKey();
    await new Promise<void>((resolve, reject) => out.stream.write(`${key}\n`, (error) => (error ? reject(error) : resolve())));
    await new Promise<void>((resolve, reject) => out.stream.write(`${key}\n`, "utf8", (error) => (error ? reject(error) : resolve())));
    await new Promise<void>((resolve, reject) => out.stream.write(key.slice(0, 9), (error) => (error ? reject(error) : resolve())));
    assert.equal(out.text(), "[redacted key]\n[redacted key]\n");
  });

  it("holds back enough for the longest key shape in providers.ts", () => {
    for (const { shapes } of Object.values(providerInfo)) {
      for (const shape of shapes) {
        // The body's length is its last quantifier: `{50}`, or `{40,220}` whose upper bound counts.
        const bodyLength = /\{(?:\d+,)?(\d+)\}$/.exec(shape.body);
        assert.ok(bodyLength, `cannot tell the length of shape ${shape.kind}: update this test`);
        for (const prefix of shape.prefixes) assert.ok(prefix.length + Number(bodyLength[1]) <= maxHeldBack, `${prefix}: ${shape.kind}`);
      }
    }
  });

  it("is in place in the functions process before anything else loads, for every writer", function () {
    this.timeout(30_000);
    const key = fakeGeminiKey();
    // The built entry point, as the Functions runtime loads it; then firebase-functions' logger (which captured
    // console at its import), console and raw writes, a key in values, field names and pieces.
    const script = `
      const loaded = () => Object.keys(require.cache).map((file) => file.slice(process.cwd().length));
      require("./lib/index.js");
      const order = loaded();
      const { logger } = require("firebase-functions");
      const key = ${JSON.stringify(key)};
      logger.warn("Request body is missing data.", { apiKey: key });
      logger.error("Data cannot be decoded from JSON.", { data: { [key]: { "@type": "x" } } });
      console.log("console", key);
      console.error({ [key]: true });
      process.stdout.write("split " + key.slice(0, 30));
      process.stdout.write(key.slice(30) + "\\n");
      process.stderr.write(Buffer.from("buffer " + key + "\\n"));
      console.log(JSON.stringify({ order: order.slice(0, 2) }));
      process.stdout.write("unfinished " + key.slice(0, 12));
    `;
    const result = spawnSync(process.execPath, ["-e", script], { cwd: join(repoRoot, "functions"), encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    const output = result.stdout + result.stderr;
    assert.ok(!output.includes(key.slice(3)) && !keyShaped.test(output), output);
    assert.equal(output.match(/\[redacted key\]/g)?.length, 6, output);
    assert.match(result.stderr, /"apiKey":"\[redacted key\]".*"message":"Request body is missing data\."/);
    assert.match(result.stdout, /^split \[redacted key\]$/m);
    assert.ok(result.stdout.endsWith(`unfinished ${key.slice(0, 12)}`), "the unfinished line is written at exit");
    const { order } = JSON.parse(/\{"order".*\}/.exec(result.stdout)![0]) as { order: string[] };
    assert.deepEqual(order.slice(0, 2), ["/lib/index.js", "/lib/redaction/redact-process-output.js"]);
  });
});
