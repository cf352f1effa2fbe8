// Run a card (or an ad-hoc command): asks for its variables, shows exactly the command that will
// run (values are bound in its environment, never put in the text), asks for a typed
// confirmation when the command is dangerous or a value reaches a nested interpreter, starts the
// run and then shows its live RunPanel.

import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { ApiError } from "../../api/client";
import { placeholders, type Card, type ConfirmationDetails, type Run, type RunRequest, type Variable } from "../../api/commands";
import { useRiskPreview, useRunPreview, useStartRun } from "../../hooks/useCommands";
import { ErrorNote } from "../ErrorNote";
import { RiskBadge } from "./RiskBadge";
import { RunPanel } from "./RunPanel";

export const CONFIRM_WORD = "RUN";

interface Props {
  open: boolean;
  /** A saved card to run, or… */
  card?: Card | null;
  /** …an ad-hoc command (its {{placeholders}} are asked for too). */
  command?: string;
  onClose: () => void;
  onStarted?: (run: Run) => void;
}

function variablesOf(card: Card | null | undefined, command: string | undefined): Variable[] {
  if (card) return card.variables;
  return placeholders(command ?? "").map((name) => ({ name, description: "", default: null, required: true }));
}

export function RunDialog({ open, card, command, onClose, onStarted }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const variables = useMemo(() => variablesOf(card, command), [card, command]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [cwd, setCwd] = useState("");
  const [timeout, setTimeoutS] = useState("");
  const [typed, setTyped] = useState("");
  const [serverDanger, setServerDanger] = useState<ConfirmationDetails | null>(null);
  const [runId, setRunId] = useState<number | null>(null);
  const [runDone, setRunDone] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const runRef = useRef<HTMLButtonElement>(null);
  const start = useStartRun();
  const preview = useRiskPreview(card ? "" : (command ?? ""));
  const body = useMemo((): RunRequest | null => {
    if (!open || runId !== null) return null;
    const given = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ""));
    return {
      ...(card ? { card_id: card.id } : { command }),
      variables: Object.keys(given).length ? given : undefined,
      cwd: cwd.trim() || undefined,
    };
  }, [open, runId, card, command, values, cwd]);
  const rendered = useRunPreview(body);
  const exact = rendered.preview;
  const verdict = exact?.risk ?? (card ? card.risk : preview.verdict);
  const nested = serverDanger?.nested ?? exact?.nested ?? [];
  const dangerous = verdict?.level === "dangerous" || serverDanger !== null;
  const token = serverDanger?.confirm_token ?? exact?.confirm_token;

  // A confirmation is for one rendered command with its values: typing again after they change.
  // Keyed on what the user entered, not on the preview's token: the token first arrives ~200 ms
  // after the dialog opens, and a fast typist's "RUN" must survive it.
  const entered = JSON.stringify([values, cwd]);
  useEffect(() => setTyped(""), [entered]);
  // A 409's details describe the values it was given; new values get a new preview.
  useEffect(() => setServerDanger(null), [body]);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      setValues(Object.fromEntries(variables.map((v) => [v.name, v.default ?? ""])));
      setCwd("");
      setTimeoutS("");
      setTyped("");
      setServerDanger(null);
      setRunId(null);
      start.reset();
      dialog.showModal();
      focusFirst();
    } else if (!open && dialog.open) dialog.close();
    // Reset only when the dialog opens; `variables` is stable while it is open.
  }, [open]);

  // showModal focuses the first focusable element (the risk help toggle), where Enter does not
  // run: start on the first value to fill in, else on Run (or the typed confirmation when Run
  // waits for it), so Enter submits. Asked for on open and on "Run again", and done once the
  // form is rendered (not the last run's panel).
  const [focusWanted, setFocusWanted] = useState(0);
  const focusFirst = () => setFocusWanted((n) => n + 1);
  useEffect(() => {
    if (!focusWanted || runId !== null) return;
    const form = formRef.current;
    const run = runRef.current && !runRef.current.disabled ? runRef.current : null;
    const confirm = form?.querySelector<HTMLInputElement>('input[aria-label="Confirmation text"]');
    (form?.querySelector<HTMLInputElement>("input[data-first-field]") ?? run ?? confirm)?.focus();
  }, [focusWanted, runId]);
  // A verdict that turns dangerous after opening disables Run: move focus to the typed confirmation.
  useEffect(() => {
    if (!dangerous || !open) return;
    const active = document.activeElement;
    if (active === runRef.current || active === document.body || active === ref.current) {
      formRef.current?.querySelector<HTMLInputElement>('input[aria-label="Confirmation text"]')?.focus();
    }
  }, [dangerous, open]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const given = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ""));
    const confirmed = dangerous && typed === CONFIRM_WORD;
    start.mutate(
      {
        ...(card ? { card_id: card.id } : { command }),
        variables: Object.keys(given).length ? given : undefined,
        cwd: cwd.trim() || undefined,
        timeout_s: timeout ? Number(timeout) : undefined,
        confirm: confirmed,
        confirm_token: confirmed ? token : undefined,
      },
      {
        onSuccess: (run) => {
          setRunId(run.id);
          setRunDone(false);
          onStarted?.(run);
        },
        onError: (err) => {
          if (err instanceof ApiError && err.code === "confirmation_required") {
            setServerDanger(err.details as ConfirmationDetails);
          }
        },
      },
    );
  };

  const onFinished = useCallback(() => setRunDone(true), []);
  const title = card ? `Run “${card.name}”` : "Run command";
  const blocked = dangerous && typed !== CONFIRM_WORD;
  const reasons = serverDanger?.reasons ?? verdict?.reasons ?? [];
  // Values still being filled in are not a problem worth showing; anything else is.
  const details = rendered.error instanceof ApiError ? rendered.error.details : null;
  const missing = typeof details === "object" && details !== null && "missing" in details;
  const previewProblem = rendered.error !== null && !missing && !start.error;
  const showError = start.error && !(start.error instanceof ApiError && start.error.code === "confirmation_required");

  return (
    <dialog ref={ref} className="dialog run-dialog" onCancel={onClose} aria-label={title}>
      <div className="row between">
        <h2>{title}</h2>
        {verdict && <RiskBadge verdict={serverDanger ? { level: "dangerous", reasons } : verdict} />}
      </div>
      {runId === null ? (
        <form className="stack" onSubmit={submit} ref={formRef}>
          <code className="run-command">{card?.command ?? command}</code>
          {variables.map((v, i) => (
            <label key={v.name} className="field">
              <span>
                {v.name}
                {v.required && v.default === null && <span aria-hidden> *</span>}
                {v.description && <span className="muted small"> — {v.description}</span>}
              </span>
              <input
                value={values[v.name] ?? ""}
                required={v.required && v.default === null}
                placeholder={v.default ?? ""}
                onChange={(e) => setValues((all) => ({ ...all, [v.name]: e.target.value }))}
                aria-label={`Variable ${v.name}`}
                data-first-field={i === 0 ? "" : undefined}
              />
            </label>
          ))}
          {exact && (
            <div className="stack small" aria-label="What runs">
              <span className="muted">Runs exactly:</span>
              <code className="run-command" data-testid="run-preview">
                {exact.command}
              </code>
              {exact.bindings.length > 0 && (
                <ul className="bindings" aria-label="Bound values">
                  {exact.bindings.map((b) => (
                    <li key={b.env}>
                      <code>{b.env}</code> = <code>{JSON.stringify(b.value)}</code>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
          {variables.length > 0 && (
            <p className="muted small">Values are passed in the run’s environment and referenced, so the shell never reads them as code.</p>
          )}
          {previewProblem && <ErrorNote error={rendered.error} />}
          <details>
            <summary className="small">Working directory and timeout</summary>
            <div className="stack">
              <label className="field">
                <span>Working directory</span>
                <input value={cwd} placeholder={card?.cwd ?? "the server's directory"} onChange={(e) => setCwd(e.target.value)} />
              </label>
              <label className="field">
                <span>Timeout (seconds)</span>
                <input type="number" min={1} value={timeout} placeholder="300" onChange={(e) => setTimeoutS(e.target.value)} />
              </label>
            </div>
          </details>
          {!dangerous && reasons.length > 0 && (
            <div className="caution-box" role="note">
              <strong>Check before running: this command is flagged “{verdict?.level}”.</strong>
              <ul aria-label="Why this is flagged">
                {reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            </div>
          )}
          {dangerous && (
            <div className="danger-box" role="alert">
              <strong>{nested.length ? "A value will be run as code." : "This command is dangerous."}</strong>
              <ul aria-label="Why this is flagged">
                {reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
              {nested.length > 0 && (
                <>
                  <span className="small">With these values, the nested interpreter parses:</span>
                  <code className="run-command small" data-testid="nested-effective">
                    {serverDanger?.effective ?? exact?.effective}
                  </code>
                </>
              )}
              {serverDanger && !nested.length && <code className="run-command small">{serverDanger.command}</code>}
              <label className="field">
                <span>
                  Type <code>{CONFIRM_WORD}</code> to run it anyway
                </span>
                <input value={typed} onChange={(e) => setTyped(e.target.value)} aria-label="Confirmation text" autoComplete="off" />
              </label>
            </div>
          )}
          {showError && <ErrorNote error={start.error} />}
          <div className="row end">
            <button type="button" onClick={onClose}>
              Close
            </button>
            <button ref={runRef} type="submit" className={dangerous ? "danger" : "primary"} disabled={blocked || start.isPending}>
              {start.isPending ? "Starting…" : "Run"}
            </button>
          </div>
        </form>
      ) : (
        <div className="stack">
          <RunPanel runId={runId} onFinished={onFinished} />
          <div className="row end">
            <button
              type="button"
              disabled={!runDone}
              title={runDone ? undefined : "Available when this run has finished"}
              onClick={() => {
                setRunId(null);
                focusFirst();
              }}
            >
              Run again
            </button>
            <button type="button" className="primary" onClick={onClose}>
              Close
            </button>
          </div>
        </div>
      )}
    </dialog>
  );
}
