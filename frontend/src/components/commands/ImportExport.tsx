// Export the deck as a JSON file, and import such a file (all cards or none); cards already in
// the deck are found first and the user chooses to skip, replace or copy them.

import { useState } from "react";
import { ApiError } from "../../api/client";
import { exportCards, type DuplicateDetails, type ImportResult, type OnDuplicate } from "../../api/commands";
import { useImportCards } from "../../hooks/useCommands";
import { errorMessage } from "../ErrorNote";
import { ImportFileButton } from "../ImportFileButton";
import { useToast } from "../Toasts";
import { ImportDuplicates } from "./ImportDuplicates";

const cardCount = (n: number) => `${n} card${n === 1 ? "" : "s"}`;

function summary(r: ImportResult): string {
  const parts = [`Imported ${cardCount(r.created)}`];
  if (r.replaced) parts.push(`replaced ${r.replaced}`);
  if (r.skipped) parts.push(`skipped ${r.skipped} already in the deck`);
  return parts.join("; ");
}

export function ImportExport() {
  const toast = useToast();
  const importer = useImportCards();
  const [pending, setPending] = useState<{ file: string; bundle: unknown; details: DuplicateDetails } | null>(null);

  const doExport = async () => {
    try {
      const bundle = await exportCards();
      const blob = new Blob([JSON.stringify(bundle, null, 2)], { type: "application/json" });
      const url = URL.createObjectURL(blob);
      const link = document.createElement("a");
      link.href = url;
      link.download = "forge-commands.json";
      link.click();
      URL.revokeObjectURL(url);
      toast.success(`Exported ${cardCount(bundle.cards.length)}`);
    } catch (err) {
      toast.error(errorMessage(err));
    }
  };

  const send = (file: string, bundle: unknown, onDuplicate: OnDuplicate) =>
    importer.mutate(
      { bundle, onDuplicate },
      {
        onSuccess: (r) => toast.success(summary(r)),
        onError: (err) => {
          if (err instanceof ApiError && err.code === "duplicate_cards") {
            setPending({ file, bundle, details: err.details as DuplicateDetails });
          } else toast.error(`Import of ${file} failed: ${errorMessage(err)}`);
        },
      },
    );

  const doImport = async (file: File) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch {
      toast.error(`Import of ${file.name} failed: it is not valid JSON`);
      return;
    }
    send(file.name, parsed, "ask");
  };

  return (
    <>
      <button onClick={() => void doExport()}>Export</button>
      <ImportFileButton fileLabel="Import cards file" disabled={importer.isPending} onFile={(f) => void doImport(f)}>
        {importer.isPending ? "Importing…" : "Import"}
      </ImportFileButton>
      <ImportDuplicates
        found={pending}
        onCancel={() => setPending(null)}
        onChoose={(choice) => {
          if (!pending) return;
          setPending(null);
          send(pending.file, pending.bundle, choice);
        }}
      />
    </>
  );
}
