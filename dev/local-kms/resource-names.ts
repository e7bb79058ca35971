/** Resource ids as Cloud KMS accepts them for key rings and crypto keys. */
const resourceId = "[a-zA-Z0-9_-]{1,63}";
const location = "projects/[^/]+/locations/[^/]+";
const keyRing = `${location}/keyRings/${resourceId}`;
const cryptoKey = `${keyRing}/cryptoKeys/${resourceId}`;

const patterns = {
  location: new RegExp(`^${location}$`),
  keyRing: new RegExp(`^${keyRing}$`),
  cryptoKey: new RegExp(`^${cryptoKey}$`),
  cryptoKeyVersion: new RegExp(`^${cryptoKey}/cryptoKeyVersions/[1-9][0-9]*$`),
  resourceId: new RegExp(`^${resourceId}$`),
};

export type ResourceKind = keyof typeof patterns;

/** Whether `name` is a well-formed name of the given kind, e.g. `projects/p/locations/l/keyRings/r`. */
export function isResourceName(kind: ResourceKind, name: string): boolean {
  return patterns[kind].test(name);
}

/** The name of the resource that contains `name`: drops the last `collection/id` pair. */
export function parentName(name: string): string {
  return name.split("/").slice(0, -2).join("/");
}
