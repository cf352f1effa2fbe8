// What-if: the selected calls priced on another model, beside what they cost.

import { useState } from "react";
import { tokens, usd, type LedgerFilters } from "../../api/ledger";
import { useReprice } from "../../hooks/useLedger";
import { Spinner } from "../Elapsed";
import { ErrorNote } from "../ErrorNote";

const SUGGESTED = ["gpt-6-luna", "gpt-6.1-terra", "gpt-6.2-sol", "claude-haiku-5-5", "claude-sonnet-5-5", "claude-opus-5-5"];

export function WhatIfPanel({ filters }: { filters: LedgerFilters }) {
  const [draft, setDraft] = useState("");
  const [model, setModel] = useState("");
  const q = useReprice(filters, model);
  const r = q.data;
  return (
    <section className="card" aria-label="What-if">
      <h2>What if…</h2>
      <form
        className="row wrap"
        onSubmit={(e) => {
          e.preventDefault();
          setModel(draft.trim());
        }}
      >
        <label className="field grow">
          <span>…these calls had run on</span>
          <input list="whatif-models" value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="model id" aria-label="What-if model" />
          <datalist id="whatif-models">
            {SUGGESTED.map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
        </label>
        <button type="submit" className="primary" disabled={!draft.trim()}>
          Reprice
        </button>
      </form>
      <ErrorNote error={q.error} />
      {q.isFetching && <Spinner label="Repricing" />}
      {r && (
        <div className="stack">
          <p>
            {r.calls} calls cost <strong>{usd(r.actual_cost_usd)}</strong>; on {r.model} ({r.provider}, {usd(r.input_per_mtok, 2)}/
            {usd(r.output_per_mtok, 2)} per 1M in/out) they would have cost <strong>{usd(r.whatif_cost_usd)}</strong> —{" "}
            <span className={r.difference_usd <= 0 ? "good" : "bad-text"}>
              {r.difference_usd <= 0 ? `${usd(-r.difference_usd)} less` : `${usd(r.difference_usd)} more`}
            </span>
            .{r.unpriced_calls > 0 && ` ${r.unpriced_calls} calls had no known price, so their actual cost counts as $0.`}
          </p>
          <div className="table-wrap">
            <table className="ledger-table">
              <thead>
                <tr>
                  <th>Model used</th>
                  <th className="num">Calls</th>
                  <th className="num">Tokens in/out</th>
                  <th className="num">Actual</th>
                  <th className="num">On {r.model}</th>
                </tr>
              </thead>
              <tbody>
                {r.rows.map((row) => (
                  <tr key={`${row.provider}/${row.model}`}>
                    <td>{row.model}</td>
                    <td className="num">{row.calls}</td>
                    <td className="num">
                      {tokens(row.input_tokens)} / {tokens(row.output_tokens)}
                    </td>
                    <td className="num">{usd(row.actual_cost_usd)}</td>
                    <td className="num">{usd(row.whatif_cost_usd)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}
