// A text field that completes `{{ nodes.… }}` / `{{ inputs.… }}` as the user types (a combobox).

import { useId, useRef, useState, type KeyboardEvent } from "react";
import { applySuggestion, suggest, type SuggestionSet, type TemplateContext } from "./templates";

interface Props {
  label: string;
  value: string;
  onChange: (value: string) => void;
  ctx: TemplateContext;
  multiline?: boolean;
  placeholder?: string;
  error?: string;
  hint?: string;
  mono?: boolean;
}

export function TemplateField({ label, value, onChange, ctx, multiline, placeholder, error, hint, mono }: Props) {
  const [open, setOpen] = useState<SuggestionSet | null>(null);
  const [active, setActive] = useState(0);
  const ref = useRef<HTMLTextAreaElement & HTMLInputElement>(null);
  const listId = useId();
  const errId = useId();

  const refresh = (text: string, caret: number) => {
    const next = suggest(text, caret, ctx);
    setOpen(next);
    setActive(0);
  };

  const accept = (index: number) => {
    if (!open) return;
    const item = open.items[index];
    if (!item) return;
    const { text, caret } = applySuggestion(value, open, item);
    onChange(text);
    requestAnimationFrame(() => {
      const el = ref.current;
      if (!el) return;
      el.focus();
      el.setSelectionRange(caret, caret);
      if (item.complete) setOpen(null);
      else refresh(text, caret);
    });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (!open || open.items.length === 0) return;
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setActive((a) => (a + 1) % open.items.length);
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setActive((a) => (a - 1 + open.items.length) % open.items.length);
    } else if (e.key === "Enter" || e.key === "Tab") {
      e.preventDefault();
      accept(active);
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      setOpen(null);
    }
  };

  const common = {
    ref,
    value,
    placeholder,
    className: mono ? "mono" : undefined,
    role: "combobox",
    "aria-label": label,
    "aria-autocomplete": "list" as const,
    "aria-expanded": Boolean(open),
    "aria-controls": listId,
    "aria-activedescendant": open ? `${listId}-${active}` : undefined,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error ? errId : undefined,
    onKeyDown,
    onChange: (e: { target: HTMLInputElement | HTMLTextAreaElement }) => {
      onChange(e.target.value);
      refresh(e.target.value, e.target.selectionStart ?? e.target.value.length);
    },
    onClick: (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) =>
      refresh(e.currentTarget.value, e.currentTarget.selectionStart ?? 0),
    onBlur: () => window.setTimeout(() => setOpen(null), 150),
  };

  return (
    <div className="field template-field">
      <span className="field-label">{label}</span>
      <div className="template-wrap">
        {multiline ? <textarea rows={4} spellCheck={false} {...common} /> : <input spellCheck={false} {...common} />}
        {open && open.items.length > 0 && (
          <ul className="template-menu" role="listbox" id={listId} aria-label="Template suggestions">
            {open.items.map((item, i) => (
              <li
                key={item.insert}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === active}
                className={i === active ? "active" : undefined}
                onMouseDown={(e) => {
                  e.preventDefault();
                  accept(i);
                }}
              >
                <span className="mono">{item.label}</span>
                <span className="muted small">{item.detail}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
      {error ? (
        <span className="field-error" id={errId}>
          {error}
        </span>
      ) : hint ? (
        <span className="muted small">{hint}</span>
      ) : null}
    </div>
  );
}
