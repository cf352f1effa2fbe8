/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const backend = process.env.FORGE_BACKEND ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "../forge_orchestrator/static",
    emptyOutDir: true,
    chunkSizeWarningLimit: 900,
    sourcemap: false,
  },
  server: {
    port: 5173,
    proxy: {
      // The backend refuses cross-origin calls, so the proxy presents itself as same-origin.
      "/api": {
        target: backend,
        changeOrigin: true,
        ws: true,
        headers: { origin: backend },
      },
      // The one-time login link, opened through the dev server, signs in its origin (:5173).
      "/login": { target: backend, changeOrigin: true },
    },
  },
  test: {
    // jsdom needs Node 22; the unit tests here exercise pure logic, and the browser tests the UI.
    environment: "node",
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
