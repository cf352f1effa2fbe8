// Live token count of the prompt, computed in the browser; the tokenizer loads only when needed.

import { useEffect, useState } from "react";
import type { VendorInfo } from "../../api/settings";
import { useProviders } from "../../hooks/useSettings";

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

/** The vendor a pick goes to: named, or (provider "Default") the one whose model ids match. */
export function vendorFor(vendors: VendorInfo[], provider: string, model: string): VendorInfo | undefined {
  if (provider !== "") return vendors.find((v) => v.name === provider);
  return vendors.find((v) => !v.local_servers && v.models !== null && new RegExp(v.models).test(model));
}

/** Which tokenizer matches the model, and whether the count is exact (the vendor's own tokenizer,
 * as the server reports it) or only an estimate. */
export function encodingFor(
  provider: string,
  model: string,
  vendors: VendorInfo[],
): { encoding: Encoding; exact: boolean } {
  const exact = vendorFor(vendors, provider, model)?.tokenizer === "o200k_base";
  const encoding: Encoding = OLD_OPENAI.test(model) ? "cl100k_base" : "o200k_base";
  return { encoding, exact };
}

export function TokenCount({ text, provider, model }: { text: string; provider: string; model: string }) {
  const vendors = useProviders().data?.vendors ?? [];
  const { encoding, exact } = encodingFor(provider, model, vendors);
  const vendor = vendorFor(vendors, provider, model);
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
  const named = vendor && !vendor.local_servers ? vendor.label : null;
  const label = exact ? encoding : named ? `${named}: estimate` : `estimate (${encoding})`;
  return (
    <span className="muted small token-count" aria-live="polite" data-testid="token-count">
      {count === null ? "Counting tokens…" : `${exact ? "" : "≈ "}${count} token${count === 1 ? "" : "s"}`}
      <span className="token-label"> · {label}</span>
    </span>
  );
}
