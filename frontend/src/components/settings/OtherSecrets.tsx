// Free-form secrets (tokens that flows may use): list with masked tails, add, replace, delete.

import { useState, type FormEvent } from "react";
import { KEY_NAME_PATTERN, type KeyStatus } from "../../api/settings";
import { useSetKey } from "../../hooks/useSettings";
import { ErrorNote } from "../ErrorNote";
import { useToast } from "../Toasts";
import { KeyControl } from "./KeyControl";

export function OtherSecrets({ keys, reserved }: { keys: KeyStatus[]; reserved: Set<string> }) {
  const toast = useToast();
  const setKey = useSetKey();
  const [name, setName] = useState("");
  const [value, setValue] = useState("");
  const nameOk = KEY_NAME_PATTERN.test(name);
  const clash = reserved.has(name) || keys.some((k) => k.name === name);

  const add = (e: FormEvent) => {
    e.preventDefault();
    setKey.mutate(
      { name, value },
      {
        onSuccess: (saved) => {
          toast.success(`Saved secret ${saved.name} (${saved.masked ?? "stored"}).`);
          setName("");
          setValue("");
        },
      },
    );
  };

  return (
    <section className="card" aria-labelledby="secrets-heading">
      <h2 id="secrets-heading">Other secrets</h2>
      <p className="muted small">
        Tokens your flows and commands may use, stored the same way as provider keys and masked everywhere.
      </p>
      {keys.length === 0 && <p className="muted">No other secrets stored.</p>}
      <ul className="plain-list">
        {keys.map((k) => (
          <li key={k.name} className="secret-item">
            <code>{k.name}</code>
            <KeyControl name={k.name} status={k} testable={false} />
          </li>
        ))}
      </ul>
      <form onSubmit={add} className="secret-add" aria-label="Add a secret">
        <label className="field">
          <span>Name</span>
          <input
            value={name}
            onChange={(e) => setName(e.target.value.toLowerCase())}
            placeholder="e.g. github_token"
            maxLength={100}
            autoComplete="off"
          />
        </label>
        <label className="field">
          <span>Value</span>
          <input type="password" value={value} onChange={(e) => setValue(e.target.value)} autoComplete="off" />
        </label>
        <div className="row end">
          <button type="submit" className="primary" disabled={!nameOk || clash || !value.trim() || setKey.isPending}>
            {setKey.isPending ? "Saving…" : "Add secret"}
          </button>
        </div>
        {name && !nameOk && (
          <p className="muted small">Use lowercase letters, digits, “_”, “.” and “-” (at most 100).</p>
        )}
        {name && clash && <p className="muted small">That name is already used; replace it above instead.</p>}
        <ErrorNote error={setKey.error} />
      </form>
    </section>
  );
}
