/**
 * The models the stand-in serves, described as the Models API (API version 2026-10-21, as
 * `@anthropic-ai/sdk` 1.x types it) describes them: `GET /v1/models` pages them newest first,
 * `GET /v1/models/{id}` describes one (an alias resolves to its snapshot), and a retired model stays
 * describable with `lifecycle: "retired"` while the Messages API refuses it.
 */

type Support = { supported: boolean };
const yes: Support = { supported: true };
const no: Support = { supported: false };

/** Which `thinking.type` values a model accepts (the Models API's `capabilities.thinking.types`). */
export interface ThinkingTypes {
  adaptive: Support;
  between_tools: Support;
  disabled: Support;
  enabled: Support;
}

/** One model as `GET /v1/models/{id}` answers it. */
export interface ModelInfo {
  type: "model";
  id: string;
  display_name: string;
  created_at: string;
  capabilities: {
    batch: Support;
    citations: Support;
    code_execution: Support;
    context_management: Support & Record<"clear_thinking_20251015" | "clear_tool_uses_20250919" | "compact_20260112", Support | null>;
    effort: Support & Record<"low" | "medium" | "high" | "max", Support> & { xhigh: Support | null };
    image_input: Support;
    pdf_input: Support;
    server_tools: Support & { code_execution: Support; web_search: Support };
    structured_outputs: Support;
    thinking: Support & { types: ThinkingTypes };
  };
  deprecated_at: string | null;
  lifecycle: "active" | "deprecated" | "retired";
  line: "haiku" | "sonnet" | "opus" | null;
  max_input_tokens: number | null;
  max_tokens: number | null;
  retires_at: string | null;
}

interface CatalogueEntry {
  id: string;
  displayName: string;
  createdAt: string;
  line: ModelInfo["line"];
  maxInputTokens: number;
  maxTokens: number;
  /** Adaptive only (thinking cannot be turned off), as Opus 5.5; else adaptive or disabled. */
  thinkingAlwaysOn?: true;
  /** An older generation: manual thinking budgets, no adaptive thinking, no effort. */
  manualThinking?: true;
  lifecycle?: { stage: "deprecated" | "retired"; deprecatedAt: string; retiresAt: string };
}

/** Newest first, as the Models API lists them. */
const catalogue: readonly CatalogueEntry[] = [
  { id: "claude-haiku-5-5", displayName: "Claude Haiku 5.5", createdAt: "2026-10-07T00:00:00Z", line: "haiku", maxInputTokens: 1_000_000, maxTokens: 128_000 },
  { id: "claude-sonnet-5-5", displayName: "Claude Sonnet 5.5", createdAt: "2026-09-30T00:00:00Z", line: "sonnet", maxInputTokens: 1_000_000, maxTokens: 128_000 },
  {
    id: "claude-opus-5-5",
    displayName: "Claude Opus 5.5",
    createdAt: "2026-09-30T00:00:00Z",
    line: "opus",
    maxInputTokens: 1_000_000,
    maxTokens: 128_000,
    thinkingAlwaysOn: true,
  },
  { id: "claude-sonnet-4-6", displayName: "Claude Sonnet 4.6", createdAt: "2026-02-17T00:00:00Z", line: "sonnet", maxInputTokens: 1_000_000, maxTokens: 64_000 },
  {
    id: "claude-haiku-4-5-20251001",
    displayName: "Claude Haiku 4.5",
    createdAt: "2025-10-15T00:00:00Z",
    line: "haiku",
    maxInputTokens: 200_000,
    maxTokens: 64_000,
    manualThinking: true,
  },
  {
    id: "claude-sonnet-4-20250514",
    displayName: "Claude Sonnet 4",
    createdAt: "2025-05-22T00:00:00Z",
    line: "sonnet",
    maxInputTokens: 200_000,
    maxTokens: 64_000,
    manualThinking: true,
    lifecycle: { stage: "retired", deprecatedAt: "2026-04-14T00:00:00Z", retiresAt: "2026-06-15T00:00:00Z" },
  },
];

/** Dateless convenience aliases that resolve to a snapshot (retired `-latest` aliases are not among them). */
const aliases: Readonly<Record<string, string>> = { "claude-haiku-4-5": "claude-haiku-4-5-20251001" };

function describe(entry: CatalogueEntry): ModelInfo {
  const adaptive = !entry.manualThinking;
  return {
    type: "model",
    id: entry.id,
    display_name: entry.displayName,
    created_at: entry.createdAt,
    capabilities: {
      batch: yes,
      citations: yes,
      code_execution: yes,
      context_management: { supported: true, clear_thinking_20251015: yes, clear_tool_uses_20250919: yes, compact_20260112: adaptive ? yes : null },
      effort: { supported: adaptive, low: { supported: adaptive }, medium: { supported: adaptive }, high: { supported: adaptive }, max: no, xhigh: null },
      image_input: yes,
      pdf_input: yes,
      server_tools: { supported: true, code_execution: yes, web_search: yes },
      structured_outputs: yes,
      thinking: {
        supported: true,
        types: {
          adaptive: { supported: adaptive },
          between_tools: { supported: adaptive },
          disabled: { supported: !entry.thinkingAlwaysOn },
          enabled: { supported: !adaptive },
        },
      },
    },
    deprecated_at: entry.lifecycle?.deprecatedAt ?? null,
    lifecycle: entry.lifecycle?.stage ?? "active",
    line: entry.line,
    max_input_tokens: entry.maxInputTokens,
    max_tokens: entry.maxTokens,
    retires_at: entry.lifecycle?.retiresAt ?? null,
  };
}

/** `GET /v1/models/{id}`: the model an id or alias names, retired ones included; undefined when unknown. */
export function describeModel(idOrAlias: string): ModelInfo | undefined {
  const id = aliases[idOrAlias] ?? idOrAlias;
  const entry = catalogue.find((candidate) => candidate.id === id);
  return entry && describe(entry);
}

/** The model a Messages request may name: a known, not retired model; undefined otherwise. */
export function servedModel(idOrAlias: string): ModelInfo | undefined {
  const model = describeModel(idOrAlias);
  return model && model.lifecycle !== "retired" ? model : undefined;
}

export interface ModelsPage {
  data: ModelInfo[];
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

export type Lifecycle = ModelInfo["lifecycle"];

/**
 * `GET /v1/models?limit=&after_id=&before_id=&lifecycle=`: a page of models newest first, active and
 * deprecated ones unless `lifecycle` asks otherwise; undefined for an `after_id`/`before_id` it does not know.
 */
export function listModelsPage(
  { limit = 20, afterId, beforeId, lifecycles = ["active", "deprecated"] }: { limit?: number; afterId?: string; beforeId?: string; lifecycles?: readonly Lifecycle[] },
): ModelsPage | undefined {
  const models = catalogue.map(describe).filter((model) => lifecycles.includes(model.lifecycle));
  const size = Math.min(Math.max(limit, 1), 1000);
  let page: ModelInfo[];
  let hasMore: boolean;
  if (beforeId !== undefined) {
    const end = models.findIndex((model) => model.id === beforeId);
    if (end < 0) return undefined;
    const start = Math.max(0, end - size);
    page = models.slice(start, end);
    hasMore = start > 0;
  } else {
    const start = afterId === undefined ? 0 : models.findIndex((model) => model.id === afterId) + 1;
    if (start === 0 && afterId !== undefined) return undefined;
    page = models.slice(start, start + size);
    hasMore = start + size < models.length;
  }
  return { data: page, has_more: hasMore, first_id: page[0]?.id ?? null, last_id: page.at(-1)?.id ?? null };
}
