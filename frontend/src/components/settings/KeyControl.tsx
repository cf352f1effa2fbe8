// One stored key: its masked status, and set / replace / delete (asks first) / test.

import { useState, type FormEvent } from "react";
import type { KeyStatus } from "../../api/settings";
import { useDeleteKey, useSetKey, useTestKey } from "../../hooks/useSettings";
import { ConfirmDialog } from "../ConfirmDialog";
import { Elapsed } from "../Elapsed";
import { ErrorNote } from "../ErrorNote";
import { useToast } from "../Toasts";

interface Props {
  name: string;
  status: KeyStatus | undefined;
  /** Provider keys can be tested by listing the provider's models. */
  testable: boolean;
  label?: string;
  onDeleted?: () => void;
}

export function KeyStatusBadge({ status }: { status: KeyStatus | undefined }) {
  if (!status?.configured && status?.env_var)
    return (
      <span className="badge ok" data-testid="key-from-env">
        from environment ({status.env_var})
      </span>
    );
  if (!status?.configured) return <span className="badge">Not set</span>;
  if (status.problem) return <span className="badge bad">Unreadable</span>;
  return (
    <span className="badge ok mono" data-testid="key-masked">
      {status.masked}
    </span>
  );
}

export function KeyControl({ name, status, testable, label, onDeleted }: Props) {
  const toast = useToast();
  const setKey = useSetKey();
  const deleteKey = useDeleteKey();
  const testKey = useTestKey();
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [testStarted, setTestStarted] = useState(0);
  const configured = status?.configured ?? false;
  // A key in the server's environment is used (and can be tested) while none is stored.
  const usable = configured || Boolean(status?.env_var);

  const save = (e: FormEvent) => {
    e.preventDefault();
    if (!value.trim()) return;
    setKey.mutate(
      { name, value },
      {
        onSuccess: (saved) => {
          setValue("");
          setEditing(false);
          testKey.reset();
          toast.success(`Saved ${label ?? name} key (${saved.masked ?? "stored"}).`);
        },
      },
    );
  };

  const runTest = () => {
    setTestStarted(Date.now());
    testKey.mutate(name);
  };

  return (
    <div className="key-control" data-key={name}>
      <div className="row between">
        <div className="row">
          <span className="muted small">Key</span>
          <KeyStatusBadge status={status} />
          {status?.updated_at && configured && (
            <span className="muted small">updated {new Date(status.updated_at).toLocaleString()}</span>
          )}
        </div>
        {!editing && (
          <div className="row">
            <button onClick={() => setEditing(true)}>
              {configured ? "Replace" : status?.env_var ? "Store a key" : "Set key"}
            </button>
            {usable && testable && (
              <button onClick={runTest} disabled={testKey.isPending}>
                Test
              </button>
            )}
            {configured && (
              <button className="danger" onClick={() => setConfirming(true)}>
                Delete
              </button>
            )}
          </div>
        )}
      </div>
      {status?.problem && <p className="error-note">{status.problem}</p>}
      {editing && (
        <form className="key-form" onSubmit={save}>
          <label className="field">
            <span>
              {configured
                ? "New value (replaces the stored one)"
                : status?.env_var
                  ? `Value (used instead of ${status.env_var})`
                  : "Value"}
            </span>
            <input
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={value}
              onChange={(e) => setValue(e.target.value)}
              aria-label={`${label ?? name} key value`}
              autoFocus
            />
          </label>
          <div className="row end">
            <button
              type="button"
              onClick={() => {
                setEditing(false);
                setValue("");
              }}
            >
              Cancel
            </button>
            <button type="submit" className="primary" disabled={!value.trim() || setKey.isPending}>
              {setKey.isPending ? "Saving…" : "Save key"}
            </button>
          </div>
          <ErrorNote error={setKey.error} />
        </form>
      )}
      <div aria-live="polite" className="key-test-result">
        {testKey.isPending && <Elapsed since={testStarted} label="Testing" />}
        {testKey.isSuccess && (
          <span className="badge ok">
            Works: {testKey.data.models} model{testKey.data.models === 1 ? "" : "s"} available
          </span>
        )}
        {testKey.isError && <ErrorNote error={testKey.error} />}
      </div>
      <ConfirmDialog
        open={confirming}
        title={`Delete the ${label ?? name} key?`}
        confirmLabel="Delete key"
        danger
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          deleteKey.mutate(name, {
            onSuccess: () => {
              testKey.reset();
              toast.success(`Deleted ${label ?? name} key.`);
              onDeleted?.();
            },
          });
        }}
      >
        <p>
          The stored value of <code>{name}</code> is removed from this machine. Calls that need it fail until you
          set it again (an environment variable, if set, is still used).
        </p>
      </ConfirmDialog>
    </div>
  );
}
