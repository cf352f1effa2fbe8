// The Terminal screen: real shells in tabs that survive reloads, with search, copy/paste and hand-offs.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { useNavigate } from "react-router-dom";
import { ApiError } from "../api/client";
import { closeSession, createSession, listSessions, redactText, type TerminalSession } from "../api/terminal";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Spinner } from "../components/Elapsed";
import { ErrorNote, errorMessage } from "../components/ErrorNote";
import { useToast } from "../components/Toasts";
import { SaveCardDialog } from "../components/terminal/SaveCardDialog";
import { TerminalTabs } from "../components/terminal/TerminalTabs";
import { MAX_FONT, MIN_FONT, TerminalToolbar } from "../components/terminal/TerminalToolbar";
import { TerminalView, type TerminalHandle } from "../components/terminal/TerminalView";
import type { ConnectionStatus } from "../components/terminal/connection";
import "./terminal.css";

const SESSIONS_KEY = ["terminal", "sessions"];
const ACTIVE_KEY = "forge.terminal.active";
const FONT_KEY = "forge.terminal.fontSize";
// The prompt travels in the URL; the tail of a long selection is the part that matters.
const MAX_ASK_CHARS = 6000;

function storedFontSize(): number {
  const value = Number(localStorage.getItem(FONT_KEY));
  return Number.isFinite(value) && value >= MIN_FONT && value <= MAX_FONT ? value : 14;
}

function isRunning(session: TerminalSession, status: ConnectionStatus | undefined): boolean {
  if (status?.kind === "exited" || status?.kind === "gone") return false;
  return session.status === "running";
}

export default function TerminalPage() {
  const toast = useToast();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const sessions = useQuery({ queryKey: SESSIONS_KEY, queryFn: listSessions });
  const [activeId, setActiveId] = useState<string | null>(() => sessionStorage.getItem(ACTIVE_KEY));
  const [statuses, setStatuses] = useState<Record<string, ConnectionStatus>>({});
  const [fontSize, setFontSize] = useState(storedFontSize);
  const [confirmClose, setConfirmClose] = useState<TerminalSession | null>(null);
  const [cardCommand, setCardCommand] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const handles = useRef(new Map<string, TerminalHandle>());
  const autoCreated = useRef(false);

  const list = sessions.data ?? [];
  const active = list.find((s) => s.id === activeId) ?? list[0] ?? null;
  // Handlers read the active tab through a ref, so they stay stable across renders.
  const activeRef = useRef<string | null>(null);
  activeRef.current = active?.id ?? null;
  const activeHandle = useCallback(
    () => (activeRef.current ? handles.current.get(activeRef.current) : undefined),
    [],
  );

  useEffect(() => {
    if (active) sessionStorage.setItem(ACTIVE_KEY, active.id);
  }, [active]);

  useEffect(() => {
    localStorage.setItem(FONT_KEY, String(fontSize));
  }, [fontSize]);

  const create = useMutation({
    mutationFn: () => createSession(activeHandle()?.size() ?? {}),
    onSuccess: (session) => {
      queryClient.setQueryData<TerminalSession[]>(SESSIONS_KEY, (old) => [...(old ?? []), session]);
      setActiveId(session.id);
    },
  });

  // A first visit with no sessions opens one, so the screen is a terminal straight away.
  useEffect(() => {
    if (sessions.isSuccess && sessions.data.length === 0 && !autoCreated.current) {
      autoCreated.current = true;
      create.mutate();
    }
  }, [sessions.isSuccess, sessions.data, create]);

  const remove = useMutation({
    mutationFn: async (session: TerminalSession) => {
      try {
        await closeSession(session.id);
      } catch (err) {
        // Already gone on the server (idle timeout, another window): just drop the tab.
        if (!(err instanceof ApiError && err.status === 404)) throw err;
      }
    },
    onSettled: (_data, _err, session) => {
      queryClient.setQueryData<TerminalSession[]>(SESSIONS_KEY, (old) => (old ?? []).filter((s) => s.id !== session.id));
      void queryClient.invalidateQueries({ queryKey: SESSIONS_KEY });
    },
  });

  const onStatus = useCallback(
    (id: string, status: ConnectionStatus) => {
      setStatuses((all) => ({ ...all, [id]: status }));
      if (status.kind === "gone") void queryClient.invalidateQueries({ queryKey: SESSIONS_KEY });
    },
    [queryClient],
  );

  function requestClose(session: TerminalSession) {
    if (isRunning(session, statuses[session.id])) setConfirmClose(session);
    else remove.mutate(session);
  }

  const copy = useCallback(async () => {
    const text = activeHandle()?.selection() ?? "";
    if (!text) return toast.error("Select text in the terminal to copy it.");
    try {
      await navigator.clipboard.writeText(text);
      toast.success("Copied");
    } catch (err) {
      toast.error(`Copy failed: ${errorMessage(err)}`);
    }
  }, [activeHandle, toast]);

  const paste = useCallback(async () => {
    try {
      const text = await navigator.clipboard.readText();
      activeHandle()?.paste(text);
      activeHandle()?.focus();
    } catch (err) {
      toast.error(`Paste failed (the browser may block clipboard reads): ${errorMessage(err)}`);
    }
  }, [activeHandle, toast]);

  function pickText(): string {
    const handle = activeHandle();
    return (handle?.selection() || handle?.lastCommand() || "").trim();
  }

  function saveCard() {
    const text = pickText();
    if (!text) return toast.error("Select a command in the terminal, or run one first.");
    setCardCommand(text);
  }

  async function askArchitect() {
    const handle = activeHandle();
    const selected = (handle?.selection() ?? "").trim();
    if (!selected) return toast.error("Select the text to ask about first.");
    setAsking(true);
    try {
      const safe = await redactText(selected.slice(-MAX_ASK_CHARS));
      const prompt = `Help me with this from my terminal:\n\n${safe}`;
      navigate(`/architect?prompt=${encodeURIComponent(prompt)}`);
    } catch (err) {
      toast.error(errorMessage(err));
    } finally {
      setAsking(false);
    }
  }

  if (sessions.isPending) {
    return (
      <div className="center">
        <Spinner label="Loading terminals" />
      </div>
    );
  }

  return (
    <div className="terminal-page">
      <TerminalTabs
        sessions={list}
        activeId={active?.id ?? null}
        statuses={statuses}
        creating={create.isPending}
        onSelect={setActiveId}
        onClose={requestClose}
        onNew={() => create.mutate()}
      />
      <TerminalToolbar
        status={active ? statuses[active.id] : undefined}
        fontSize={fontSize}
        busy={asking}
        onFontSize={setFontSize}
        onFind={(query, backwards) => activeHandle()?.find(query, backwards) ?? false}
        onClearSearch={() => activeHandle()?.clearSearch()}
        onCopy={() => void copy()}
        onPaste={() => void paste()}
        onSaveCard={saveCard}
        onAskArchitect={() => void askArchitect()}
        onReconnect={() => activeHandle()?.reconnect()}
      />
      <ErrorNote error={sessions.error ?? create.error} />
      <div className="term-stage">
        {list.map((s) => (
          <TerminalView
            key={s.id}
            session={s}
            active={s.id === active?.id}
            fontSize={fontSize}
            ref={(handle) => {
              if (handle) handles.current.set(s.id, handle);
              else handles.current.delete(s.id);
            }}
            onStatus={onStatus}
            onError={toast.error}
            onCopyKey={() => void copy()}
            onPasteKey={() => void paste()}
          />
        ))}
        {list.length === 0 && !create.isPending && (
          <div className="center">
            <p className="muted">No terminal is open.</p>
            <button className="primary" onClick={() => create.mutate()}>
              Open a terminal
            </button>
          </div>
        )}
        {list.length === 0 && create.isPending && (
          <div className="center">
            <Spinner label="Starting a shell" />
          </div>
        )}
      </div>
      <ConfirmDialog
        open={confirmClose !== null}
        title="Close this terminal?"
        confirmLabel="Close terminal"
        danger
        onCancel={() => setConfirmClose(null)}
        onConfirm={() => {
          if (confirmClose) remove.mutate(confirmClose);
          setConfirmClose(null);
        }}
      >
        The shell is still running. Closing ends it and every program started from it.
      </ConfirmDialog>
      <SaveCardDialog
        command={cardCommand}
        onClose={() => setCardCommand(null)}
        onSaved={(name) => {
          setCardCommand(null);
          toast.success(`Saved “${name}” to Commands`);
        }}
      />
    </div>
  );
}
