// The model's answer as it arrives, with elapsed time and a Stop button.

import { useEffect, useRef } from "react";
import { Elapsed } from "../Elapsed";

interface Props {
  text: string;
  startedAt: number;
  label: string;
  onStop: () => void;
}

export function StreamingAnswer({ text, startedAt, label, onStop }: Props) {
  const ref = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [text]);
  return (
    <section className="card streaming-answer" aria-busy="true" aria-label="Answer so far" data-testid="architect-streaming">
      <div className="row between">
        <Elapsed since={startedAt} label={label} />
        <button onClick={onStop}>Stop</button>
      </div>
      <pre ref={ref} className="stream-text">
        {text || <span className="muted">Waiting for the first tokens…</span>}
      </pre>
    </section>
  );
}
