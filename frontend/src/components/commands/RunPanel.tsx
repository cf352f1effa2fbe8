// Live output of one command run: streamed over SSE from the start, ANSI colours rendered
// inertly, with status, exit code, duration and a Cancel button. Reused by Architect and Terminal.

import { useCallback, useEffect, useRef, useState } from "react";
import type { RunStatus } from "../../api/commands";
import { useCancelRun, useRunStream, type Chunk } from "../../hooks/useCommands";
import { Elapsed, formatMs } from "../Elapsed";
import { errorMessage } from "../ErrorNote";
import { useToast } from "../Toasts";
import { OutputRenderer, type Segment } from "./ansi";
import "./commands.css";

const STATUS_LABEL: Record<RunStatus, string> = {
  running: "running",
  succeeded: "succeeded",
  failed: "failed",
  timed_out: "timed out",
  cancelled: "cancelled",
  interrupted: "interrupted",
};

export function StatusBadge({ status }: { status: RunStatus }) {
  return <span className={`badge ${status}`}>{STATUS_LABEL[status]}</span>;
}

interface Props {
  runId: number;
  /** Called once when the run reaches a final status. */
  onFinished?: (status: RunStatus) => void;
  /** Shorter output area, for embedding in a card. */
  compact?: boolean;
}

export function RunPanel({ runId, onFinished, compact }: Props) {
  const renderer = useRef(new OutputRenderer());
  const [segments, setSegments] = useState<Segment[]>([]);
  const [dropped, setDropped] = useState(0);
  const frame = useRef<number | null>(null);
  const outputRef = useRef<HTMLPreElement>(null);
  const stick = useRef(true);
  const [startedAt] = useState(() => Date.now());
  const toast = useToast();
  const cancel = useCancelRun();

  const flush = useCallback(() => {
    frame.current = null;
    setSegments([...renderer.current.segments]);
    setDropped(renderer.current.droppedChars);
  }, []);
  const onChunk = useCallback(
    (chunk: Chunk) => {
      renderer.current.append(chunk.stream, chunk.data);
      // Batch renders to one per frame however fast the output arrives.
      if (frame.current === null) frame.current = window.requestAnimationFrame(flush);
    },
    [flush],
  );
  useEffect(() => {
    renderer.current.reset();
    setSegments([]);
    setDropped(0);
    return () => {
      if (frame.current !== null) window.cancelAnimationFrame(frame.current);
      frame.current = null;
    };
  }, [runId]);

  const { run, error, done } = useRunStream(runId, onChunk);
  const finishedRef = useRef(false);
  useEffect(() => {
    if (done && run && !finishedRef.current) {
      finishedRef.current = true;
      onFinished?.(run.status);
    }
  }, [done, run, onFinished]);
  useEffect(() => {
    const el = outputRef.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [segments]);

  const running = !run || run.status === "running";
  const doCancel = () =>
    cancel.mutate(runId, { onError: (err) => toast.error(errorMessage(err)) });

  return (
    <section className="run-panel" aria-label={`Run ${runId}`} data-status={run?.status ?? "running"}>
      <div className="row between run-head">
        <div className="row">
          <StatusBadge status={run?.status ?? "running"} />
          {running ? (
            <Elapsed since={run ? Date.parse(run.started_at) || startedAt : startedAt} />
          ) : (
            <>
              {run?.exit_code !== null && run?.exit_code !== undefined && (
                <span className="small" data-testid="exit-code">
                  exit {run.exit_code}
                  {run.exit_code < 0 ? ` (signal ${-run.exit_code})` : ""}
                </span>
              )}
              {run?.duration_ms !== null && run?.duration_ms !== undefined && (
                <span className="small muted">{formatMs(run.duration_ms)}</span>
              )}
              {run?.truncated && <span className="small muted">output capped: middle omitted</span>}
            </>
          )}
        </div>
        {running && (
          <button className="danger" onClick={doCancel} disabled={cancel.isPending}>
            {cancel.isPending ? "Cancelling…" : "Cancel"}
          </button>
        )}
      </div>
      {run && <code className="run-command small">{run.command}</code>}
      <pre
        ref={outputRef}
        className={`run-output${compact ? " compact" : ""}`}
        tabIndex={0}
        aria-label="Command output"
        aria-live="polite"
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {dropped > 0 && <span className="out-info">[… {dropped} earlier characters not shown …]{"\n"}</span>}
        {segments.map((s) => (
          // The HTML comes from ansi_up with escape_html on: only its own colour spans remain.
          <span key={s.key} className={`out-${s.stream}`} dangerouslySetInnerHTML={{ __html: s.html }} />
        ))}
        {done && segments.length === 0 && <span className="out-info">(no output)</span>}
      </pre>
      {error && <p className="error-note" role="alert">{error}</p>}
    </section>
  );
}
