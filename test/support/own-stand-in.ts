/** A stand-in a test file starts for itself (port 0), apart from the shared ones test/support/hooks.ts starts. */
export interface OwnedStandIn {
  reset(): void;
  stop(): Promise<void>;
}

/**
 * Registers the mocha hooks of a stand-in owned by the enclosing `describe`: started once before its tests
 * (handed to `started`), reset before each test, stopped after the last.
 */
export function ownStandIn<S extends OwnedStandIn>(start: () => Promise<S>, started: (standIn: S) => void): void {
  let standIn: S | undefined;
  before(async () => {
    standIn = await start();
    started(standIn);
  });
  after(async () => {
    await standIn?.stop();
  });
  beforeEach(() => standIn?.reset());
}
