// The first screen: what each screen is for and how to add a provider.

import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { getAppInfo } from "../api/app";
import { useModelCatalog } from "../hooks/useArchitect";
import { screens } from "../screens";

export default function HomePage() {
  const info = useQuery({ queryKey: ["app-info"], queryFn: getAppInfo });
  const catalog = useModelCatalog();
  const ready = (catalog.data?.providers ?? []).filter((p) => p.enabled && p.configured);
  return (
    <div className="page welcome">
      <h1>Welcome to Forge Orchestrator</h1>
      <p className="lead">
        A local command center for working with LLMs: turn a request into a shell command, keep a deck of
        commands, build flows that mix shell and LLM steps, and see exactly what every call cost.
      </p>
      {ready.length > 0 && (
        <section className="card">
          <h2>Providers ready</h2>
          <p>
            {ready.map((p) => (
              <span key={p.name} className="badge ok provider-badge">
                ✓ {p.label}
              </span>
            ))}
          </p>
          <p className="muted small">
            Start in the <Link to="/architect">Architect</Link>, or add more providers and local servers in{" "}
            <Link to="/settings">Settings</Link>.
          </p>
        </section>
      )}
      <section className="card" hidden={ready.length > 0}>
        <h2>Add a provider first</h2>
        <ol>
          <li>
            Open <strong>Settings</strong> and paste an OpenAI or Anthropic API key, or add a local
            OpenAI-compatible server (Ollama at <code>http://127.0.0.1:11434/v1</code>, llama.cpp, vLLM, LM
            Studio).
          </li>
          <li>
            Or, in a terminal: <code>forge-orchestrator keys set openai</code> (the value is read without
            echo), or start the server with <code>OPENAI_API_KEY</code> / <code>ANTHROPIC_API_KEY</code> set.
          </li>
          <li>Keys stay on this machine: in the OS keyring, or encrypted in the database. The browser never sees them.</li>
        </ol>
      </section>
      <section>
        <h2>Screens</h2>
        <ul className="screen-list">
          {screens.map((s) => (
            <li key={s.path} className="card">
              <Link to={s.path}>
                <strong>{s.label}</strong>
              </Link>
              <p>{s.summary}</p>
            </li>
          ))}
        </ul>
      </section>
      {info.data && (
        <p className="muted small">
          Version {info.data.version} · database {info.data.database} · data in <code>{info.data.data_dir}</code>
        </p>
      )}
    </div>
  );
}
