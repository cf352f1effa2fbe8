// The ledger rows: newest first, status colours, expandable rows with every column, "Load more".

import { Fragment, useState } from "react";
import { tokens, usd, type LedgerFilters, type LedgerItem } from "../../api/ledger";
import { useLedgerPages } from "../../hooks/useLedger";
import { formatMs, Spinner } from "../Elapsed";
import { ErrorNote } from "../ErrorNote";

const STATUS_BADGE: Record<string, string> = { SUCCESS: "ok", FAILED: "bad", TIMEOUT: "warn" };

function when(iso: string): string {
  const d = new Date(iso);
  return `${d.toLocaleDateString()} ${d.toLocaleTimeString()}`;
}

function Details({ item }: { item: LedgerItem }) {
  return (
    <dl className="ledger-details">
      {Object.entries(item).map(([key, value]) => (
        <Fragment key={key}>
          <dt>{key}</dt>
          <dd>{value === null ? <span className="muted">—</span> : String(value)}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

export function LedgerTable({ filters }: { filters: LedgerFilters }) {
  const q = useLedgerPages(filters);
  const [open, setOpen] = useState<number | null>(null);
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="card" aria-label="Ledger calls">
      <h2>Calls</h2>
      <ErrorNote error={q.error} />
      {q.isPending ? (
        <Spinner label="Loading calls" />
      ) : items.length === 0 ? (
        <p className="muted">No calls match these filters.</p>
      ) : (
        <div className="table-wrap">
          <table className="ledger-table">
            <thead>
              <tr>
                <th>Time</th>
                <th>Status</th>
                <th>Model</th>
                <th className="hide-narrow">Role</th>
                <th className="hide-narrow">Flow</th>
                <th className="num">Tokens in/out</th>
                <th className="num">Cost</th>
                <th className="num hide-narrow">Latency</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <Fragment key={item.id}>
                  <tr
                    className={`ledger-row status-${item.status.toLowerCase()}`}
                    tabIndex={0}
                    aria-expanded={open === item.id}
                    onClick={() => setOpen(open === item.id ? null : item.id)}
                    onKeyDown={(e) => {
                      if (e.key === "Enter" || e.key === " ") {
                        e.preventDefault();
                        setOpen(open === item.id ? null : item.id);
                      }
                    }}
                  >
                    <td>{when(item.timestamp)}</td>
                    <td>
                      <span className={`badge ${STATUS_BADGE[item.status] ?? ""}`}>{item.status}</span>
                    </td>
                    <td>{item.model_used}</td>
                    <td className="hide-narrow">{item.agent_role ?? "—"}</td>
                    <td className="hide-narrow">{item.flow_id ?? "—"}</td>
                    <td className="num">
                      {tokens(item.input_tokens)} / {tokens(item.output_tokens)}
                    </td>
                    <td className="num">{usd(item.total_cost_usd)}</td>
                    <td className="num hide-narrow">{formatMs(item.latency_ms)}</td>
                  </tr>
                  {open === item.id && (
                    <tr className="ledger-expanded">
                      <td colSpan={8}>
                        <Details item={item} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {q.hasNextPage && (
        <button onClick={() => void q.fetchNextPage()} disabled={q.isFetchingNextPage}>
          {q.isFetchingNextPage ? <Spinner label="Loading more" /> : "Load more"}
        </button>
      )}
    </section>
  );
}
