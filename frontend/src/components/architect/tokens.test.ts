// @vitest-environment node
// Token counting picks the right tokenizer and labels estimates; costs never hide unknown prices.

import { describe, expect, it } from "vitest";
import { formatCost } from "./ResultCard";
import type { VendorInfo } from "../../api/settings";
import { encodingFor } from "./TokenCount";

const vendor = (name: string, models: string | null, tokenizer: string | null): VendorInfo => ({
  name,
  label: name,
  local_servers: name === "compatible",
  key_env: [],
  base_url_env: null,
  default_base_url: null,
  default_model: null,
  needs_base_url: false,
  key_hint: "",
  key_url: null,
  help: "",
  models,
  tokenizer,
});
// As GET /api/settings/providers reports them.
const VENDORS = [
  vendor("openai", "^(gpt-|o\\d|chatgpt-)", "o200k_base"),
  vendor("anthropic", "^claude", null),
  vendor("compatible", null, null),
];

describe("token counting", () => {
  it("picks the tokenizer by model and labels non-OpenAI counts as estimates", () => {
    expect(encodingFor("openai", "gpt-6.2-sol", VENDORS)).toEqual({ encoding: "o200k_base", exact: true });
    expect(encodingFor("openai", "gpt-4-turbo", VENDORS)).toEqual({ encoding: "cl100k_base", exact: true });
    expect(encodingFor("openai", "gpt-4o-mini", VENDORS)).toEqual({ encoding: "o200k_base", exact: true });
    expect(encodingFor("", "gpt-6-luna", VENDORS).exact).toBe(true);
    expect(encodingFor("anthropic", "claude-sonnet-5-5", VENDORS).exact).toBe(false);
    expect(encodingFor("ollama", "llama3.2", VENDORS).exact).toBe(false);
  });

  it("counts with the same ids as tiktoken's o200k_base", async () => {
    const { countTokens, encode } = await import("gpt-tokenizer/encoding/o200k_base");
    expect(encode("hello world")).toEqual([24912, 2375]);
    expect(countTokens("find the 10 largest files")).toBeGreaterThan(3);
  });
});

describe("formatCost", () => {
  it("shows small costs exactly and unknown ones as unknown", () => {
    expect(formatCost(null)).toBe("cost unknown");
    expect(formatCost(0)).toBe("$0");
    expect(formatCost(0.00137)).toBe("$0.00137");
    expect(formatCost(0.5)).toBe("$0.5000");
  });
});
