import assert from "node:assert/strict";
import { Timestamp } from "firebase-admin/firestore";
import { adminDb, uidOf } from "../support/admin";
import { geminiStandIn } from "../support/hooks";
import { fakeGeminiKey } from "../support/keys";
import {
  alertText,
  browserSessions,
  generateQuestions,
  keyField,
  pageAndStorageContents,
  providerCard,
  saveKey,
  screenshot,
  signUp,
} from "./browser";

const keyDoc = (uid: string) => adminDb().doc(`apiKeys/${uid}/providers/googleai`);

describe("web app: the key's lifecycle in Settings (browser)", function () {
  this.timeout(90_000);
  const openSession = browserSessions();
  afterEach(() => geminiStandIn().reset());

  it("“Check again” asks Google now and shows its verdict; Recent activity lists what happened, newest first, without the key", async () => {
    const session = await openSession();
    const { page } = session;
    await signUp(page);
    const apiKey = fakeGeminiKey();
    await saveKey(page, apiKey);
    const activity = page.getByRole("list", { name: "Key events, newest first" });
    await activity.getByText("Key saved").waitFor();

    geminiStandIn().setBehaviour(apiKey, { outcome: "invalid-key" }); // Google has since revoked it
    await page.getByRole("button", { name: "Check again" }).click();
    await page.getByRole("status").filter({ hasText: "Google rejected your key" }).waitFor();
    await page.locator(".badge").getByText("Invalid").waitFor();
    await activity.getByText("Checked with Google: the key was rejected").waitFor();

    geminiStandIn().setBehaviour(apiKey, { outcome: "ok" });
    await page.getByRole("button", { name: "Check again" }).click();
    await page.getByRole("status").filter({ hasText: "your key works" }).waitFor();
    await page.locator(".badge").getByText("Active").waitFor();
    await activity.getByText("Checked with Google: the key works").waitFor();
    assert.deepEqual(await activity.locator("li span").allInnerTexts(), [
      "Checked with Google: the key works",
      "Checked with Google: the key was rejected",
      "Key saved",
    ]);
    await screenshot(page, "settings-activity");
    assert.ok(!(await pageAndStorageContents(page)).includes(apiKey.slice(3, -4)), "the key is nowhere in the page");
  });

  it("lets the user choose when the key is deleted, and shows it", async () => {
    const session = await openSession();
    const { page } = session;
    await signUp(page);
    const expiry = providerCard(page).getByLabel("Delete this key automatically");
    assert.equal(await expiry.inputValue(), "never");
    await expiry.selectOption({ label: "After 30 days" });
    const savedAt = Date.now();
    await saveKey(page, fakeGeminiKey());

    const expires = page.locator(".key-facts div").filter({ hasText: "Expires" }).locator("time");
    const days = (Date.parse((await expires.getAttribute("datetime"))!) - savedAt) / 86_400_000;
    assert.ok(days > 29.9 && days < 30.1, `expires in ${days} days`);

    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
    assert.ok(await page.locator(".key-facts div").filter({ hasText: "Expires" }).locator("time").isVisible());
  });

  it("nudges the user to replace a key older than the rotation reminder age", async () => {
    const session = await openSession();
    const { page } = session;
    const { email } = await signUp(page);
    await saveKey(page, fakeGeminiKey());
    assert.equal(await page.getByText("Time for a fresh key").count(), 0);

    await keyDoc(await uidOf(email)).update({ createdAt: Timestamp.fromMillis(Date.now() - 100 * 86_400_000) });
    await page.reload();
    await page.getByText(/Time for a fresh key: this one was added on .*Create a new key in Google AI Studio/).waitFor();
  });

  it("tells the user a key that can no longer be read must be entered again, and Settings says so until they do", async () => {
    const session = await openSession();
    const { page } = session;
    const { email } = await signUp(page);
    await saveKey(page, fakeGeminiKey());
    // The stored record no longer authenticates (as after tampering); the same path as a disabled KMS key version.
    const record = keyDoc(await uidOf(email));
    const ciphertext = Buffer.from((await record.get()).get("envelope.ciphertext") as Uint8Array);
    ciphertext[0] ^= 0x01;
    await record.update({ "envelope.ciphertext": ciphertext });

    await generateQuestions(page);
    const message = await alertText(page);
    assert.match(message, /Your saved Gemini key can no longer be read, so it can't be used, and trying again won't change that\. Enter your key again in Settings\./);
    await page.getByRole("alert").getByRole("link", { name: "Go to Settings" }).click();
    await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
    await page.locator(".badge").getByText("Can't be read").waitFor();
    await page.getByText(/can no longer be read from the secure key store.*enter your key again below/).waitFor();
    await page.getByRole("list", { name: "Key events, newest first" }).getByText("The saved key could no longer be read").waitFor();
    await screenshot(page, "settings-unreadable-key");

    await saveKey(page, fakeGeminiKey());
    await page.locator(".badge").getByText("Active").waitFor();
    assert.equal(await keyField(page).inputValue(), "");
  });
});
