import { redactKeys } from "./key-redaction";
import { anyKeyShape } from "../providers";

/**
 * Redaction at the last point every log line passes: a stream's `write`. Whoever writes (our logger,
 * firebase-functions, which captured `console` before any patch could reach it, express, Node itself),
 * console output ends in `stream.write`, looked up on the stream at each call. Every key shape of
 * functions/src/providers.ts becomes "[redacted key]", in values and field names alike: a key has no
 * character that JSON or util.inspect escapes, so the serialised forms all contain it verbatim.
 *
 * Keys split across writes: console and every logger we run write one whole line per call, so a key
 * normally arrives in one piece. A raw `write` of part of a line can still split one, and line-oriented
 * collectors (the emulator, Cloud Logging) join the pieces again. So the trailing run of characters a key
 * could be made of (printable ASCII) is held back until the next write or `flush()`: the rest of a line
 * that a collector would not have read yet anyway. Lines that end in a newline, i.e. nearly all, pass
 * straight through when they hold no key.
 */

/** The longest trailing run held back between writes: longer than any key a provider issues (a unit test checks). */
export const maxHeldBack = 256;

type WriteCallback = (error?: Error | null) => void;
type Write = (chunk: unknown, encodingOrCallback?: BufferEncoding | WriteCallback, callback?: WriteCallback) => boolean;

export interface RedactingStream {
  /** Writes out what is held back (the end of an unfinished line); call before the process exits. */
  flush(): void;
}

/** Replaces `stream.write` with one that redacts every key shape before the original writes it. */
export function redactKeysInWrites(stream: NodeJS.WritableStream): RedactingStream {
  const originalWrite = stream.write.bind(stream) as Write;
  let heldBack = "";

  const redactingWrite: Write = (chunk, encodingOrCallback, callback) => {
    const encoding = typeof encodingOrCallback === "string" ? encodingOrCallback : undefined;
    const done = typeof encodingOrCallback === "function" ? encodingOrCallback : callback;
    const isText = typeof chunk === "string" && (encoding === undefined || /^utf-?8$/i.test(encoding));
    if (!isText && typeof chunk !== "string" && !(chunk instanceof Uint8Array)) {
      return originalWrite(chunk, encodingOrCallback, callback);
    }
    // Bytes are read as latin1 (one character per byte, lossless): a key is ASCII, which UTF-8 leaves as is.
    const text = isText ? chunk : bytesOf(chunk, encoding).toString("latin1");
    if (heldBack === "" && heldBackLength(text) === 0 && !anyKeyShape.test(text)) {
      return originalWrite(chunk, encodingOrCallback, callback);
    }
    const joined = heldBack + text;
    const redacted = anyKeyShape.test(joined) ? redactKeys(joined) : joined;
    const cut = redacted.length - heldBackLength(redacted);
    heldBack = redacted.slice(cut);
    const out = redacted.slice(0, cut);
    return originalWrite(isText ? out : Buffer.from(out, "latin1"), done);
  };

  stream.write = redactingWrite;
  return {
    flush() {
      if (heldBack === "") return;
      const rest = heldBack;
      heldBack = "";
      originalWrite(rest);
    },
  };
}

function bytesOf(chunk: string | Uint8Array, encoding: BufferEncoding | undefined): Buffer {
  return typeof chunk === "string" ? Buffer.from(chunk, encoding) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** How many characters at the end of `text` could be the start of a key: its trailing printable-ASCII run, bounded. */
function heldBackLength(text: string): number {
  let start = text.length;
  while (start > 0 && text.length - start < maxHeldBack) {
    const code = text.charCodeAt(start - 1);
    if (code < 0x21 || code > 0x7e) break;
    start--;
  }
  return text.length - start;
}
