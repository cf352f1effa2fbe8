// A NAME=value-per-line editor for a step's environment map.

import { useEffect, useState } from "react";

function envToText(env: unknown): string {
  if (!env || typeof env !== "object") return "";
  return Object.entries(env as Record<string, string>)
    .map(([k, v]) => `${k}=${v}`)
    .join("\n");
}

function textToEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) env[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return env;
}

export function EnvField({ label, value, onChange, error }: { label: string; value: unknown; onChange: (env: Record<string, string>) => void; error?: string }) {
  // Edited as text and parsed on each change; local text keeps a half-typed line intact.
  const [text, setText] = useState(() => envToText(value));
  useEffect(() => {
    if (JSON.stringify(textToEnv(text)) !== JSON.stringify(value ?? {})) setText(envToText(value));
    // Only resync when the stored value changes from outside (undo, restore, another node).
  }, [value]);
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <textarea
        className="mono"
        rows={2}
        value={text}
        spellCheck={false}
        onChange={(e) => {
          setText(e.target.value);
          onChange(textToEnv(e.target.value));
        }}
      />
      {error && <span className="field-error">{error}</span>}
    </label>
  );
}
