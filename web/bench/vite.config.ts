import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The benchmark page: built separately from the app into bench/dist, never shipped.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  // Not minified: profiles of the benchmark page stay readable.
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", minify: false },
  worker: { format: "es" },
  server: { fs: { allow: [fileURLToPath(new URL("../..", import.meta.url))] } },
});
