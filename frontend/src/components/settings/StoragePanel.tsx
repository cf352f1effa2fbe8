// "How your keys are stored": the storage actually in use, in plain words, and nothing more.

import type { StorageInfo } from "../../api/settings";
import { useStorage } from "../../hooks/useSettings";
import { Spinner } from "../Elapsed";
import { ErrorNote } from "../ErrorNote";

function EncryptedStory({ info }: { info: StorageInfo }) {
  const inKeyring = info.master_key === "os-keyring";
  return (
    <ul className="storage-facts">
      <li>
        Each key is encrypted with {info.cipher} (a fresh random nonce per value, bound to the key's name) and
        saved in the database{info.database ? <> at <code>{info.database}</code></> : null}.
      </li>
      {info.problem ? (
        <li>The master key cannot be used right now; see the problem below.</li>
      ) : (
        <li>
          The 256-bit master key {info.master_key_exists ? "is" : "will be"} kept{" "}
          {inKeyring ? "in the OS keyring" : "in a file readable only by your user account"}:{" "}
          <code>{info.master_key_location}</code>
          {info.master_key_exists ? "" : " (created when you save the first key)"}.
        </li>
      )}
      <li>
        {inKeyring
          ? "Copying the database alone does not reveal your keys."
          : "Copying the database alone does not reveal your keys, but anyone who can read both files as your user can decrypt them. Back up the master key: without it the keys cannot be recovered."}
      </li>
    </ul>
  );
}

export function StoragePanel() {
  const storage = useStorage();
  const info = storage.data;
  return (
    <section className="card" aria-labelledby="storage-heading" data-testid="storage-panel">
      <h2 id="storage-heading">How your keys are stored</h2>
      {storage.isPending && <Spinner label="Loading storage details" />}
      <ErrorNote error={storage.error} />
      {info && (
        <>
          <p>
            <strong>{info.label}.</strong> <span className="muted">Why: {info.reason}.</span>
          </p>
          {info.storage === "os-keyring" ? (
            <ul className="storage-facts">
              <li>
                Values live in your operating system's keyring under the service name{" "}
                <code>forge-orchestrator</code>; only their names and timestamps are in Forge's database.
              </li>
              <li>The keyring protects them with your login; other apps may ask it for access.</li>
            </ul>
          ) : (
            <EncryptedStory info={info} />
          )}
          <p className="muted small">
            Keys are write-only here: this page never receives a value back, only its last 4 characters. They are
            masked in logs, errors and the ledger. Environment variables (<code>OPENAI_API_KEY</code>,{" "}
            <code>ANTHROPIC_API_KEY</code>) are used when no key is stored. From a terminal:{" "}
            <code>forge-orchestrator keys set|list|delete|rotate-master</code>.
          </p>
          {info.problem && <p className="error-note">{info.problem}</p>}
        </>
      )}
    </section>
  );
}
