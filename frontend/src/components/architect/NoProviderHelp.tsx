// Shown instead of a failure when no LLM provider is set up: exactly how to add one.

import { Link } from "react-router-dom";

export function NoProviderHelp({ message }: { message?: string }) {
  return (
    <section className="card no-provider" aria-labelledby="no-provider-title">
      <h2 id="no-provider-title">Add an LLM provider to use the Architect</h2>
      {message && <p className="muted">{message}</p>}
      <p>Any one of these works:</p>
      <ol>
        <li>
          Open <Link to="/settings">Settings</Link> and paste an OpenAI or Anthropic API key.
        </li>
        <li>
          In a terminal: <code>forge-orchestrator keys set openai</code> (or <code>anthropic</code>); the key is read
          without echo and stored in the OS keyring or encrypted in the database.
        </li>
        <li>
          Start the server with <code>OPENAI_API_KEY</code> or <code>ANTHROPIC_API_KEY</code> set in its environment
          (restart needed).
        </li>
        <li>
          Run a local OpenAI-compatible server, e.g. Ollama (<code>ollama serve</code>, then{" "}
          <code>ollama pull llama3.2</code>), and add <code>http://127.0.0.1:11434/v1</code> as a provider in{" "}
          <Link to="/settings">Settings</Link>. llama.cpp, vLLM and LM Studio work the same way.
        </li>
      </ol>
    </section>
  );
}
