import assert from "node:assert/strict";
import { moveStaticAssignmentsIntoClasses } from "../../web/build/static-class-fields";

describe("static class fields (web/build/static-class-fields.ts)", () => {
  it("moves a literal static assignment into its class, so an unused class has no side effect left", () => {
    const code = [
      "class TwitterAuthProvider extends BaseOAuthProvider {",
      "    constructor() { super(\"twitter.com\"); }",
      "}",
      'TwitterAuthProvider.PROVIDER_ID = "twitter.com" /* ProviderId.TWITTER */;',
      "BrowserLocalPersistence.type = 'LOCAL';",
      "class BrowserLocalPersistence {",
      "}",
      "",
    ].join("\n");
    assert.equal(
      moveStaticAssignmentsIntoClasses(code),
      [
        "class TwitterAuthProvider extends BaseOAuthProvider {",
        '    static PROVIDER_ID = "twitter.com";',
        "    constructor() { super(\"twitter.com\"); }",
        "}",
        "class BrowserLocalPersistence {",
        "    static type = 'LOCAL';",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("leaves writes that are not a literal on a class of the same module as they are", () => {
    const code = [
      "class Receiver {",
      "}",
      "Receiver.receivers = [];",
      "Receiver.create = makeReceiver();",
      'imported.flag = true;',
      "const settings = {};",
      "settings.mode = 'x';",
      "",
    ].join("\n");
    assert.equal(moveStaticAssignmentsIntoClasses(code), code);
  });
});
