// Live token count of the prompt, computed in the browser; the tokenizer loads only when needed.

import { useEffect, useState } from "react";

export type Encoding = "o200k_base" | "cl100k_base";

interface Counter {
  countTokens: (text: string) => number;
}

// Dynamic imports keep the (large) BPE tables out of the initial bundle.
const loaders: Record<Encoding, () => Promise<Counter>> = {
  o200k_base: () => import("gpt-tokenizer/encoding/o200k_base"),
  cl100k_base: () => import("gpt-tokenizer/encoding/cl100k_base"),
};

const OLD_OPENAI = /^(gpt-4(?!o|\.)|gpt-3\.5|text-embedding-(ada|3))/;

/** Which tokenizer matches the model, and whether the count is exact or only an estimate. */
export function encodingFor(provider: string, model: string): { encoding: Encoding; exact: boolean } {
  const isOpenAI = provider === "openai" || (provider === "" && /^(gpt-|o\d)/.test(model));
  const encoding: Encoding = OLD_OPENAI.test(model) ? "cl100k_base" : "o200k_base";
  return { encoding, exact: isOpenAI };
}

export function TokenCount({ text, provider, model }: { text: string; provider: string; model: string }) {
  const { encoding, exact } = encodingFor(provider, model);
  const [count, setCount] = useState<number | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let cancelled = false;
    const timer = window.setTimeout(() => {
      loaders[encoding]()
        .then((mod) => {
          if (!cancelled) setCount(mod.countTokens(text));
        })
        .catch(() => {
          if (!cancelled) setFailed(true);
        });
    }, 120);
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [text, encoding]);

  if (failed) return <span className="muted small">Token count unavailable</span>;
  const label = provider === "anthropic" ? "Anthropic: estimate" : exact ? encoding : `estimate (${encoding})`;
  return (
    <span className="muted small token-count" aria-live="polite" data-testid="token-count">
      {count === null ? "Counting tokens…" : `${exact ? "" : "≈ "}${count} token${count === 1 ? "" : "s"}`}
      <span className="token-label"> · {label}</span>
    </span>
  );
}
