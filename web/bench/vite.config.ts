import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

// The benchmark pages: built separately from the app into bench/dist, never shipped.
// index.html measures the engine alone; viewer.html the published-app route around it.
export default defineConfig({
  root: here("."),
  base: "./",
  plugins: [react()],
  // Not minified: profiles of the benchmark page stay readable.
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", minify: false, rollupOptions: { input: { engine: here("index.html"), viewer: here("viewer.html") } } },
  worker: { format: "es" },
  server: { fs: { allow: [here("../..")] } },
});
