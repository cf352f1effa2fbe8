// The Commands screen: a searchable deck of command cards with risk and last-run status; run a
// card (variables, typed confirmation when dangerous, live output), edit, delete, import, export.

import { useEffect, useState } from "react";
import { useSearchParams } from "react-router-dom";
import type { Card } from "../api/commands";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Spinner } from "../components/Elapsed";
import { ErrorNote, errorMessage } from "../components/ErrorNote";
import { useToast } from "../components/Toasts";
import { CardForm } from "../components/commands/CardForm";
import { CardTile } from "../components/commands/CardTile";
import { ImportExport } from "../components/commands/ImportExport";
import { RunDialog } from "../components/commands/RunDialog";
import { RunsList } from "../components/commands/RunsList";
import { useCards, useDeleteCard, useRuns, useTags } from "../hooks/useCommands";
import "../components/commands/commands.css";

function useDebounced(value: string, ms = 250): string {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const id = window.setTimeout(() => setDebounced(value), ms);
    return () => window.clearTimeout(id);
  }, [value, ms]);
  return debounced;
}

export default function CommandsPage() {
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState(params.get("q") ?? "");
  const tag = params.get("tag") ?? "";
  const focusId = Number(params.get("card")) || null;
  const view = params.get("view") === "runs" ? "runs" : "cards";
  const runs = useRuns(undefined);
  const runningCount = runs.data?.filter((r) => r.status === "running").length ?? 0;
  const q = useDebounced(search);
  const cards = useCards(q, tag);
  const tags = useTags();
  const toast = useToast();
  const remove = useDeleteCard();
  const [editing, setEditing] = useState<{ card: Card | null } | null>(null);
  const [running, setRunning] = useState<{ card?: Card; command?: string } | null>(null);
  const [deleting, setDeleting] = useState<Card | null>(null);
  const [adHoc, setAdHoc] = useState("");

  const setParam = (key: string, value: string) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  // Keep the search in the URL so a reload or a shared link shows the same deck.
  useEffect(() => setParam("q", q), [q]);
  useEffect(() => {
    if (focusId && cards.data?.some((c) => c.id === focusId)) {
      document.getElementById(`card-${focusId}`)?.scrollIntoView({ block: "center" });
    }
  }, [focusId, cards.data]);

  const confirmDelete = () => {
    if (!deleting) return;
    const card = deleting;
    setDeleting(null);
    remove.mutate(card.id, {
      onSuccess: () => toast.success(`Deleted “${card.name}”`),
      onError: (err) => toast.error(errorMessage(err)),
    });
  };

  return (
    <div className="page">
      <div className="row between">
        <h1>Commands</h1>
        <div className="row">
          <ImportExport />
          <button className="primary" onClick={() => setEditing({ card: null })}>
            New card
          </button>
        </div>
      </div>
      <p className="lead">Your deck of reusable shell commands. Each is checked for risk; dangerous ones ask for a typed confirmation.</p>

      <form
        className="row deck-tools"
        onSubmit={(e) => {
          e.preventDefault();
          if (adHoc.trim()) setRunning({ command: adHoc });
        }}
      >
        <input className="mono" value={adHoc} onChange={(e) => setAdHoc(e.target.value)} placeholder="Run a one-off command…" aria-label="One-off command" style={{ flex: "1 1 14rem" }} />
        <button type="submit" disabled={!adHoc.trim()}>
          Run
        </button>
      </form>

      <div className="cmd-tabs" role="tablist" aria-label="Commands views">
        <button role="tab" aria-selected={view === "cards"} onClick={() => setParam("view", "")}>
          Cards
        </button>
        <button role="tab" aria-selected={view === "runs"} onClick={() => setParam("view", "runs")}>
          Runs{runningCount > 0 ? ` (${runningCount} running)` : ""}
        </button>
      </div>
      {view === "runs" ? (
        <section role="tabpanel" aria-label="Runs">
          <RunsList />
        </section>
      ) : (
        <section role="tabpanel" aria-label="Cards">
          <div className="row deck-tools" style={{ margin: "0.75rem 0" }}>
            <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Search name, command, description, tags" aria-label="Search cards" />
            <select value={tag} onChange={(e) => setParam("tag", e.target.value)} aria-label="Filter by tag" style={{ width: "auto" }}>
              <option value="">All tags</option>
              {(tags.data ?? []).map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
            {cards.isFetching && <Spinner label="Loading cards" />}
          </div>

          <ErrorNote error={cards.error} />
          {cards.data && cards.data.length === 0 && (
            <p className="muted">
              {q || tag ? "No card matches." : "No cards yet. Create one, import a file, or save one from the Architect or the Terminal."}
            </p>
          )}
          <div className="deck">
            {cards.data?.map((card) => (
              <CardTile
                key={card.id}
                card={card}
                focused={card.id === focusId}
                activeTag={tag}
                onTag={(t) => setParam("tag", t)}
                onRun={() => setRunning({ card })}
                onEdit={() => setEditing({ card })}
                onDelete={() => setDeleting(card)}
              />
            ))}
          </div>
        </section>
      )}

      <CardForm open={editing !== null} card={editing?.card ?? null} onClose={() => setEditing(null)} />
      <RunDialog open={running !== null} card={running?.card} command={running?.command} onClose={() => setRunning(null)} />
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete “${deleting?.name ?? ""}”?`}
        confirmLabel="Delete"
        danger
        onConfirm={confirmDelete}
        onCancel={() => setDeleting(null)}
      >
        The card is removed; its run history stays.
      </ConfirmDialog>
    </div>
  );
}
