// Signed-in browsers: when each session started, when it was last seen, and a button to end it.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { call, callEmpty, client } from "../../api/client";
import type { components } from "../../api/schema.gen";
import { Spinner } from "../Elapsed";
import { ErrorNote } from "../ErrorNote";

export type BrowserSession = components["schemas"]["SessionOut"];

const KEY = ["auth", "sessions"] as const;

function when(iso: string): string {
  return new Date(iso).toLocaleString();
}

export function SessionsSection() {
  const qc = useQueryClient();
  const sessions = useQuery({ queryKey: KEY, queryFn: () => call(client.GET("/api/sessions")) });
  const revoke = useMutation({
    mutationFn: (id: string) =>
      callEmpty(client.DELETE("/api/sessions/{session_id}", { params: { path: { session_id: id } } })),
    onSettled: () => void qc.invalidateQueries({ queryKey: KEY }),
  });
  return (
    <section className="card settings-section" aria-labelledby="sessions-heading" data-testid="sessions-section">
      <h2 id="sessions-heading">Browser sessions</h2>
      <p className="muted small">
        Each browser signed in through a one-time login link. Ending a session signs that browser out;{" "}
        <code>forge-orchestrator token rotate</code> ends all of them and replaces the API token.
      </p>
      {sessions.isPending && <Spinner label="Loading sessions" />}
      <ErrorNote error={sessions.error ?? revoke.error} />
      {sessions.data && (
        <table className="sessions-table">
          <thead>
            <tr>
              <th>Browser</th>
              <th>Signed in</th>
              <th>Last seen</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {sessions.data.map((s) => (
              <tr key={s.id} data-testid="session-row">
                <td>
                  {s.user_agent || "unknown"}
                  {s.current && <strong> (this browser)</strong>}
                </td>
                <td>{when(s.created_at)}</td>
                <td>{when(s.last_seen_at)}</td>
                <td>
                  <button type="button" disabled={revoke.isPending} onClick={() => revoke.mutate(s.id)}>
                    {s.current ? "Sign out" : "End session"}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
