import { fileURLToPath } from "node:url";

import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    assetsDir: "assets",
    sourcemap: false,
    // Lets the benchmark add up what a viewer downloads before its first paint.
    manifest: true,
    chunkSizeWarningLimit: 1500,
    // The app, and the document the engine runs user JavaScript in (served with its own policy).
    rolldownOptions: { input: { main: here("./index.html"), sandbox: here("./sandbox/engine.html") } },
  },
  // The engine worker starts from a blob in an opaque document, which only classic workers can
  // (web/src/engine/sandbox.ts); strict, as the modules it is built from.
  worker: { format: "iife", rolldownOptions: { output: { strict: true } } },
  test: {
    include: ["src/**/*.test.ts", "src/**/*.test.tsx", "bench/**/*.test.ts"],
    environment: "node",
    pool: "threads",
  },
});
