import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    assetsDir: "assets",
    sourcemap: false,
    // Lets the benchmark add up what a viewer downloads before its first paint.
    manifest: true,
    chunkSizeWarningLimit: 1500,
  },
  worker: { format: "es" },
  test: {
    include: ["src/**/*.test.ts", "src/**/*.test.tsx", "bench/**/*.test.ts"],
    environment: "node",
    pool: "threads",
  },
});
