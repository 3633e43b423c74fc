import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const web = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));

// The benchmark pages (index.html: the engine alone; viewer.html: the published-app route around
// it): built separately from the app into bench/dist, never shipped. Built from the
// web folder so that the engine's sandbox document (sandbox/engine.html) comes along, as in the app.
export default defineConfig({
  root: web(""),
  base: "./",
  plugins: [react()],
  // Not minified: profiles of the benchmark page stay readable.
  build: {
    outDir: web("bench/dist"),
    emptyOutDir: true,
    target: "es2022",
    minify: false,
    rolldownOptions: { input: { bench: web("bench/index.html"), viewer: web("bench/viewer.html"), echo: web("bench/echo.html"), sandbox: web("sandbox/engine.html") } },
  },
  // The engine worker starts from a blob in an opaque document, which only classic workers can
  // (web/src/engine/sandbox.ts); strict, as the modules it is built from.
  worker: { format: "iife", rolldownOptions: { output: { strict: true } } },
  server: { fs: { allow: [web("..")] } },
});
