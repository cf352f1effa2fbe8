import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import App from "./App";
import { captureSessionSecret } from "./api/session";
import { applyStoredAppearance } from "./components/settings/appearance";
import "./styles.css";

// Before any request: the login redirect put this session's header secret in the fragment.
captureSessionSecret();
// Before the first render, so the saved font size and density never flash.
applyStoredAppearance();

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
