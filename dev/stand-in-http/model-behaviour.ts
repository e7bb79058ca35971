/**
 * Models that are busy or retired, shared by every provider stand-in (issue 19). Each stand-in answers a
 * generation for such a model with its provider's real answer: busy is the provider's overloaded status
 * (Gemini 503 UNAVAILABLE "high demand", OpenAI 503 `server_is_overloaded`, Anthropic 529
 * `overloaded_error`, OpenRouter 502), retired is the provider's own 404 for a model it does not serve.
 *
 * Two ways in: a test calls the stand-in's `setModelBehaviour(model, "busy" | "retired")` (cleared by
 * `reset()`); a person puts a key marker into the key they type (`busymodel` / `retiredmodel`, or a
 * hex prefix for OpenRouter's hex keys), which makes the FIRST model that key asks for busy or retired
 * from then on, so the app's fallback to the next model can be seen by hand.
 */
export type ModelBehaviour = "busy" | "retired";

/** Key markers (lowercase letters, so they fit inside Gemini, OpenAI and Anthropic keys). */
export const busyModelMarker = "busymodel";
export const retiredModelMarker = "retiredmodel";

/** Reads a key's model marker; each stand-in passes its own (OpenRouter's keys are hex). */
export type ModelMarkerOf = (apiKey: string) => ModelBehaviour | undefined;

export const lettersModelMarker: ModelMarkerOf = (apiKey) =>
  apiKey.includes(busyModelMarker) ? "busy" : apiKey.includes(retiredModelMarker) ? "retired" : undefined;

export class ModelBehaviours {
  private readonly byModel = new Map<string, ModelBehaviour>();
  /** Per key with a marker: the first model it asked for, the one the marker applies to. */
  private readonly firstAsked = new Map<string, string>();

  constructor(private readonly markerOf: ModelMarkerOf = lettersModelMarker) {}

  /** Makes every generation for `model` answer busy or retired, whatever the key; undefined: back to normal. */
  set(model: string, behaviour: ModelBehaviour | undefined): void {
    if (behaviour) this.byModel.set(model, behaviour);
    else this.byModel.delete(model);
  }

  /** What a generation for `model` with `apiKey` meets, if anything. */
  of(apiKey: string | undefined, model: string): ModelBehaviour | undefined {
    const set = this.byModel.get(model);
    if (set) return set;
    const marked = apiKey ? this.markerOf(apiKey) : undefined;
    if (!marked || !apiKey) return undefined;
    if (!this.firstAsked.has(apiKey)) this.firstAsked.set(apiKey, model);
    return this.firstAsked.get(apiKey) === model ? marked : undefined;
  }

  reset(): void {
    this.byModel.clear();
    this.firstAsked.clear();
  }
}
