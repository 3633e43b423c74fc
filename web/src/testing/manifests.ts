/** The real widget manifests from the server package, for tests that run in node. */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import type { WidgetManifest } from "../engine/manifest";

export const MANIFEST_DIR = join(dirname(fileURLToPath(import.meta.url)), "../../../lowcraft/widgets/manifests");

export function loadManifests(): WidgetManifest[] {
  return readdirSync(MANIFEST_DIR)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(MANIFEST_DIR, f), "utf8")) as WidgetManifest);
}
