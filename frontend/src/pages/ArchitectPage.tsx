// The Architect: describe a task, watch the answer stream, get one explained command as a card.

import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { StreamError, usableProviders, type ArchitectCard } from "../api/architect";
import { ApiError } from "../api/client";
import { getCard, type Card } from "../api/commands";
import { NoProviderHelp } from "../components/architect/NoProviderHelp";
import { Pickers, useStoredChoice } from "../components/architect/Pickers";
import { ResultCard } from "../components/architect/ResultCard";
import { StreamingAnswer } from "../components/architect/StreamingAnswer";
import { TokenCount } from "../components/architect/TokenCount";
import "../components/architect/architect.css";
import BudgetMeter from "../components/BudgetMeter";
import { RunDialog } from "../components/commands";
import { ErrorNote, errorMessage } from "../components/ErrorNote";
import { useToast } from "../components/Toasts";
import { useArchitect, useDefaultModel, useModelCatalog, usePromptDraft } from "../hooks/useArchitect";
import { useUnsavedGuard } from "../hooks/useUnsavedGuard";

const IS_MAC = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);

function errorCode(err: unknown): string | null {
  if (err instanceof ApiError || err instanceof StreamError) return err.code;
  return null;
}

function answerExcerpt(err: unknown): string | null {
  if (!(err instanceof ApiError || err instanceof StreamError)) return null;
  const details = err.details as { answer_excerpt?: unknown } | null;
  return details && typeof details.answer_excerpt === "string" ? details.answer_excerpt : null;
}

export default function ArchitectPage() {
  const [params] = useSearchParams();
  const prefill = params.get("prompt");
  const [prompt, setPrompt] = usePromptDraft(prefill);
  const [choice, setChoice] = useStoredChoice();
  const catalog = useModelCatalog();
  const defaultModel = useDefaultModel(choice.provider);
  const { state, generate, revise, cancel, reset, replaceCard } = useArchitect();
  const promptRef = useRef<HTMLTextAreaElement>(null);
  const [runCard, setRunCard] = useState<Card | null>(null);
  const toast = useToast();

  // Run uses the Commands screen's dialog, so variables, risk confirmation and live output match.
  async function openRun(card: ArchitectCard) {
    try {
      setRunCard(await getCard(card.id));
    } catch (err) {
      toast.error(errorMessage(err));
    }
  }

  // "Ask the Architect" from elsewhere navigates here with ?prompt=…, possibly while mounted.
  useEffect(() => {
    if (prefill !== null) setPrompt(prefill);
    promptRef.current?.focus();
  }, [prefill]);

  const usable = usableProviders(catalog.data);
  const noProvider = catalog.isSuccess && usable.length === 0;
  const streaming = state.phase === "streaming";
  // The draft survives leaving the screen, so only an answer still being written is at stake.
  const guard = useUnsavedGuard(streaming, "The Architect is still writing its answer; leaving stops it.");
  // The count follows the provider and model the request will use.
  const countInfo = usable.find((p) => p.name === (choice.provider || defaultModel.data?.provider)) ?? usable[0];
  const countProvider = countInfo?.name ?? "";
  const countModel = choice.model || defaultModel.data?.model || countInfo?.default_model || "";

  function submit(e?: FormEvent) {
    e?.preventDefault();
    if (!prompt.trim() || streaming || noProvider) return;
    void generate({
      prompt: prompt.trim(),
      shell: choice.shell,
      ...(choice.provider ? { provider: choice.provider } : {}),
      ...(choice.model ? { model: choice.model } : {}),
      ...(choice.os ? { os: choice.os } : {}),
    });
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      submit();
    }
  }

  const code = state.phase === "error" ? errorCode(state.error) : null;
  const excerpt = state.phase === "error" ? answerExcerpt(state.error) : null;
  return (
    <div className="page architect-page">
      <div className="row between">
        <h1>Architect</h1>
        <BudgetMeter />
      </div>
      <p className="lead">Describe what you want to do. You get one command for your shell, explained part by part, saved as a command card.</p>

      {(noProvider || code === "not_configured") && (
        <NoProviderHelp message={code === "not_configured" ? (state.error as Error).message : undefined} />
      )}

      <form className="card architect-form" onSubmit={submit} aria-label="Architect request">
        <label className="field">
          <span>What do you want to do?</span>
          <textarea
            ref={promptRef}
            value={prompt}
            onChange={(e) => setPrompt(e.target.value)}
            onKeyDown={onKeyDown}
            rows={4}
            placeholder="e.g. find the 10 largest files under this directory, excluding .git"
            aria-describedby="architect-prompt-meta"
          />
        </label>
        <div id="architect-prompt-meta" className="row between prompt-meta">
          <TokenCount text={prompt} provider={countProvider} model={countModel} />
          <span className="muted small">{IS_MAC ? "⌘" : "Ctrl"}+Enter to generate</span>
        </div>
        <Pickers catalog={catalog.data} defaultModel={defaultModel.data} choice={choice} onChange={setChoice} disabled={streaming} />
        {catalog.isError && (
          <p className="muted small">The model list is unavailable; the server's default provider and model will be used.</p>
        )}
        <div className="row end">
          <button type="submit" className="primary" disabled={!prompt.trim() || streaming || noProvider}>
            {streaming && state.action === "generate" ? "Generating…" : "Generate"}
          </button>
        </div>
      </form>

      {streaming && state.startedAt !== null && (
        <StreamingAnswer
          text={state.text}
          startedAt={state.startedAt}
          label={state.action === "revise" ? "Revising" : "Generating"}
          onStop={cancel}
        />
      )}

      {state.phase === "error" && code !== "not_configured" && (
        <section className="card architect-error">
          <ErrorNote error={state.error} />
          {excerpt && (
            <details>
              <summary>What the model answered</summary>
              <pre className="stream-text">{excerpt}</pre>
            </details>
          )}
        </section>
      )}
      {state.phase === "cancelled" && (
        <p className="muted" data-testid="architect-stopped">
          Stopped. No card was saved. The call is in the{" "}
          <Link to="/ledger?role=architect&status=FAILED">Ledger</Link> as cancelled, with its prompt, the partial
          answer and an estimated charge for what the provider had processed.
        </p>
      )}

      {state.generation && (
        <ResultCard
          key={state.generation.ledger_id}
          generation={state.generation}
          busy={streaming}
          onCardChange={replaceCard}
          onDiscarded={reset}
          onKeep={() => {
            reset();
            setPrompt("");
            promptRef.current?.focus();
          }}
          onRun={(card) => void openRun(card)}
          onRevise={(feedback, replace) => {
            const g = state.generation;
            // The revision uses the card's model if it was picked by hand, else the role's default.
            if (g) void revise({ card_id: g.card.id, feedback, replace });
          }}
        />
      )}
      <RunDialog open={runCard !== null} card={runCard} onClose={() => setRunCard(null)} />
      {guard}
    </div>
  );
}
