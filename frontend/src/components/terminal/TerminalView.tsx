// One xterm.js terminal bound to one server session: output with acks, input, fit/resize, search.

import { FitAddon } from "@xterm/addon-fit";
import { SearchAddon } from "@xterm/addon-search";
import { WebLinksAddon } from "@xterm/addon-web-links";
import { Terminal, type IMarker } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { useEffect, useImperativeHandle, useRef, type Ref } from "react";
import { wsUrl } from "../../api/client";
import { sessionSocketPath, type TerminalSession } from "../../api/terminal";
import { logicalLineAt, stripPrompt } from "./commandLine";
import { TerminalConnection, type ConnectionStatus } from "./connection";

export interface TerminalHandle {
  selection: () => string;
  lastCommand: () => string;
  paste: (text: string) => void;
  find: (query: string, backwards?: boolean) => boolean;
  clearSearch: () => void;
  reconnect: () => void;
  focus: () => void;
  size: () => { rows: number; cols: number };
}

interface Props {
  session: TerminalSession;
  active: boolean;
  fontSize: number;
  ref?: Ref<TerminalHandle>;
  onStatus: (id: string, status: ConnectionStatus) => void;
  onError: (message: string) => void;
  onCopyKey: () => void;
  onPasteKey: () => void;
}

const THEME = {
  background: "#0b0d10",
  foreground: "#e6e8ee",
  cursor: "#6ea8ff",
  selectionBackground: "#3d86ff66",
};
const SEARCH_DECORATIONS = {
  matchBackground: "#d2992255",
  activeMatchBackground: "#d29922",
  matchOverviewRuler: "#d29922",
  activeMatchColorOverviewRuler: "#f85149",
};

export function TerminalView({ session, active, fontSize, ref, onStatus, onError, onCopyKey, onPasteKey }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);
  const fitRef = useRef<FitAddon | null>(null);
  const searchRef = useRef<SearchAddon | null>(null);
  const connRef = useRef<TerminalConnection | null>(null);
  // Marks the row where Enter was last pressed. The row is read when asked, not at Enter: the
  // shell's echo of fast typing (or a paste) may still be on its way at that moment.
  const commandMarker = useRef<IMarker | null>(null);
  // Callbacks change identity on every page render; the terminal is built once per session.
  const callbacks = useRef({ onStatus, onError, onCopyKey, onPasteKey });
  callbacks.current = { onStatus, onError, onCopyKey, onPasteKey };

  useEffect(() => {
    const host = container.current;
    if (!host) return;
    const term = new Terminal({
      fontSize,
      fontFamily: 'ui-monospace, "JetBrains Mono", "SFMono-Regular", Menlo, Consolas, monospace',
      cursorBlink: true,
      scrollback: 10000,
      // A clear of the whole screen (ED2, what `top` sends first) moves what was on it into
      // the scrollback instead of erasing it, as GNOME Terminal, Windows Terminal and PuTTY do:
      // 60 lines printed before `top` are still there to scroll to and search after it quits.
      scrollOnEraseInDisplay: true,
      theme: THEME,
      allowProposedApi: true, // the search add-on's match decorations use it
    });
    const fit = new FitAddon();
    const search = new SearchAddon();
    term.loadAddon(fit);
    term.loadAddon(search);
    term.loadAddon(new WebLinksAddon());
    term.open(host);
    term.attachCustomKeyEventHandler((event) => {
      if (event.type !== "keydown" || !event.ctrlKey || !event.shiftKey) return true;
      if (event.code === "KeyC") {
        callbacks.current.onCopyKey();
        return false;
      }
      if (event.code === "KeyV") {
        callbacks.current.onPasteKey();
        return false;
      }
      return true;
    });
    const conn = new TerminalConnection(() => wsUrl(sessionSocketPath(session.id)), {
      onReady: () => {
        // The server may have another size on record (another window); ours wins once attached.
        conn.resize(term.rows, term.cols);
      },
      onReplay: (data, done) => {
        term.reset();
        term.write(data, done);
      },
      onOutput: (data, done) => term.write(data, done),
      onStatus: (status) => callbacks.current.onStatus(session.id, status),
      onError: (message) => callbacks.current.onError(message),
    });
    const dataSub = term.onData((data) => {
      if (data.includes("\r")) {
        commandMarker.current?.dispose();
        commandMarker.current = term.registerMarker(0) ?? null;
      }
      conn.input(data);
    });
    const resizeSub = term.onResize(({ rows, cols }) => conn.resize(rows, cols));
    const observer = new ResizeObserver(() => {
      // A hidden tab has no size; it is fitted when shown.
      if (host.offsetParent !== null) fit.fit();
    });
    observer.observe(host);
    if (host.offsetParent !== null) fit.fit();
    termRef.current = term;
    fitRef.current = fit;
    searchRef.current = search;
    connRef.current = conn;
    conn.connect();
    return () => {
      observer.disconnect();
      dataSub.dispose();
      resizeSub.dispose();
      conn.dispose();
      term.dispose();
      termRef.current = null;
      connRef.current = null;
    };
    // fontSize is applied by its own effect; rebuilding the terminal would drop the screen.
  }, [session.id]);

  useEffect(() => {
    const term = termRef.current;
    if (!term) return;
    // Only the glyph size changes: the shell keeps running and learns its new rows/cols.
    term.options.fontSize = fontSize;
    if (container.current?.offsetParent) fitRef.current?.fit();
  }, [fontSize]);

  useEffect(() => {
    if (!active) return;
    if (container.current?.offsetParent) fitRef.current?.fit();
    termRef.current?.focus();
  }, [active]);

  useImperativeHandle(
    ref,
    () => ({
      selection: () => termRef.current?.getSelection() ?? "",
      lastCommand: () => {
        const term = termRef.current;
        const marker = commandMarker.current;
        if (!term || !marker || marker.isDisposed || marker.line < 0) return "";
        return stripPrompt(logicalLineAt(term, marker.line));
      },
      paste: (text) => termRef.current?.paste(text),
      find: (query, backwards = false) => {
        const search = searchRef.current;
        if (!search || !query) return false;
        const options = { decorations: SEARCH_DECORATIONS };
        return backwards ? search.findPrevious(query, options) : search.findNext(query, options);
      },
      clearSearch: () => {
        searchRef.current?.clearDecorations();
        termRef.current?.clearSelection();
      },
      reconnect: () => connRef.current?.reconnectNow(),
      focus: () => termRef.current?.focus(),
      size: () => ({ rows: termRef.current?.rows ?? 24, cols: termRef.current?.cols ?? 80 }),
    }),
    [],
  );

  return (
    <div
      ref={container}
      className="term-screen"
      hidden={!active}
      data-session={session.id}
      aria-label={`Terminal ${session.shell}`}
    />
  );
}
