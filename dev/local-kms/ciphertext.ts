import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/*
 * Layout of a local ciphertext (opaque to callers, as real KMS ciphertexts are):
 *   [format 0x01][uint16 BE length][cryptoKeyVersion name, UTF-8][12-byte IV][16-byte GCM tag][encrypted bytes]
 * Naming the version inside the ciphertext is what lets Decrypt take a cryptoKey name and still find the
 * (possibly non-primary) version that encrypted it. The header is authenticated together with the
 * caller's AAD, so an edited version name fails like any other tampering.
 */
const formatVersion = 1;
const ivBytes = 12;
const tagBytes = 16;

interface ParsedCiphertext {
  header: Buffer;
  versionName: string;
  iv: Buffer;
  tag: Buffer;
  encrypted: Buffer;
}

function parseCiphertext(ciphertext: Buffer): ParsedCiphertext | undefined {
  if (ciphertext.length < 3 || ciphertext[0] !== formatVersion) return undefined;
  const headerLength = 3 + ciphertext.readUInt16BE(1);
  if (ciphertext.length < headerLength + ivBytes + tagBytes) return undefined;
  const ivEnd = headerLength + ivBytes;
  return {
    header: ciphertext.subarray(0, headerLength),
    versionName: ciphertext.subarray(3, headerLength).toString("utf8"),
    iv: ciphertext.subarray(headerLength, ivEnd),
    tag: ciphertext.subarray(ivEnd, ivEnd + tagBytes),
    encrypted: ciphertext.subarray(ivEnd + tagBytes),
  };
}

/** AES-256-GCM encrypts `plaintext` under one version's key material, bound to `aad`. */
export function sealCiphertext(versionName: string, keyMaterial: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const name = Buffer.from(versionName, "utf8");
  const header = Buffer.alloc(3);
  header[0] = formatVersion;
  header.writeUInt16BE(name.length, 1);
  const fullHeader = Buffer.concat([header, name]);
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv("aes-256-gcm", keyMaterial, iv);
  // The header is length-prefixed, so header || aad cannot collide with a different split.
  cipher.setAAD(Buffer.concat([fullHeader, aad]));
  const encrypted = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([fullHeader, iv, cipher.getAuthTag(), encrypted]);
}

/** The cryptoKeyVersion name a ciphertext claims, or undefined when it is not a local ciphertext at all. */
export function ciphertextVersionName(ciphertext: Buffer): string | undefined {
  return parseCiphertext(ciphertext)?.versionName;
}

/** The plaintext, or undefined when the ciphertext does not authenticate under this key material and AAD. */
export function openCiphertext(ciphertext: Buffer, keyMaterial: Buffer, aad: Buffer): Buffer | undefined {
  const parsed = parseCiphertext(ciphertext);
  if (!parsed) return undefined;
  const decipher = createDecipheriv("aes-256-gcm", keyMaterial, parsed.iv);
  decipher.setAAD(Buffer.concat([parsed.header, aad]));
  decipher.setAuthTag(parsed.tag);
  try {
    return Buffer.concat([decipher.update(parsed.encrypted), decipher.final()]);
  } catch {
    return undefined;
  }
}
