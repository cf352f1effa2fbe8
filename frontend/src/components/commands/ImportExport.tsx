// Export the deck as a JSON file, and import such a file (all cards or none).

import { exportCards } from "../../api/commands";
import { useImportCards } from "../../hooks/useCommands";
import { errorMessage } from "../ErrorNote";
import { ImportFileButton } from "../ImportFileButton";
import { useToast } from "../Toasts";

export function ImportExport() {
  const toast = useToast();
  const importer = useImportCards();

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
      toast.success(`Exported ${bundle.cards.length} card${bundle.cards.length === 1 ? "" : "s"}`);
    } catch (err) {
      toast.error(errorMessage(err));
    }
  };

  const doImport = async (file: File) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch {
      toast.error(`${file.name} is not valid JSON`);
      return;
    }
    importer.mutate(parsed, {
      onSuccess: (r) => toast.success(`Imported ${r.created} card${r.created === 1 ? "" : "s"}`),
      onError: (err) => toast.error(`Import failed: ${errorMessage(err)}`),
    });
  };

  return (
    <>
      <button onClick={() => void doExport()}>Export</button>
      <ImportFileButton fileLabel="Import cards file" disabled={importer.isPending} onFile={(f) => void doImport(f)}>
        {importer.isPending ? "Importing…" : "Import"}
      </ImportFileButton>
    </>
  );
}
