// Shown instead of a failure when no LLM provider is set up: exactly how to add one.

import { Link } from "react-router-dom";
import { builtinVendors } from "../../api/settings";
import { useProviders } from "../../hooks/useSettings";

/** "a, b or c" */
function either(items: string[]): string {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

export function NoProviderHelp({ message }: { message?: string }) {
  const vendors = builtinVendors(useProviders().data?.vendors);
  const [first, ...rest] = vendors;
  const envVars = vendors.flatMap((v) => v.key_env.slice(0, 1));
  return (
    <section className="card no-provider" aria-labelledby="no-provider-title">
      <h2 id="no-provider-title">Add an LLM provider to use the Architect</h2>
      {message && <p className="muted">{message}</p>}
      <p>Any one of these works:</p>
      <ol>
        <li>
          Open <Link to="/settings">Settings</Link> and paste an API key
          {vendors.length > 0 && ` for ${either(vendors.map((v) => v.label))}`}.
        </li>
        <li>
          In a terminal: <code>forge-orchestrator keys set {first?.name ?? "<provider>"}</code>
          {rest.length > 0 && (
            <>
              {" "}
              (or{" "}
              {rest.map((v, i) => (
                <span key={v.name}>
                  {i > 0 && ", "}
                  <code>{v.name}</code>
                </span>
              ))}
              )
            </>
          )}
          ; the key is read without echo and stored in the OS keyring or encrypted in the database.
        </li>
        {envVars.length > 0 && (
          <li>
            Start the server with{" "}
            {envVars.map((name, i) => (
              <span key={name}>
                {i > 0 && (i === envVars.length - 1 ? " or " : ", ")}
                <code>{name}</code>
              </span>
            ))}{" "}
            set in its environment (restart needed).
          </li>
        )}
        <li>
          Run a local OpenAI-compatible server, e.g. Ollama (<code>ollama serve</code>, then{" "}
          <code>ollama pull llama3.2</code>), and add <code>http://127.0.0.1:11434/v1</code> as a provider in{" "}
          <Link to="/settings">Settings</Link>. llama.cpp, vLLM and LM Studio work the same way.
        </li>
      </ol>
    </section>
  );
}
