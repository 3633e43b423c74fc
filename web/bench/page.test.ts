import { expect, test } from "vitest";

import { Engine } from "../src/engine/engine";
import { WIDGET_DERIVED } from "../src/widgets/derived";
import { loadManifests } from "../src/testing/manifests";
import { RecordingHost } from "../src/testing/recordingHost";
import { benchPage, countBindings, SEARCH_READERS } from "./page";

test("the benchmark page has 1,000 widgets, about 3,000 bindings, and evaluates without errors", () => {
  const page = benchPage();
  const { widgets, bindings } = countBindings(page);
  expect(widgets).toBe(1000);
  expect(bindings).toBeGreaterThanOrEqual(2900);
  expect(bindings).toBeLessThanOrEqual(3100);
  const engine = new Engine({ derived: WIDGET_DERIVED, manifests: loadManifests(), host: new RecordingHost() });
  engine.load(page);
  const update = engine.setMeta("Search", { text: "abc" });
  const echoes = Object.keys(update.values).filter((k) => k.startsWith("SearchEcho"));
  expect(echoes).toHaveLength(SEARCH_READERS);
  expect(engine.get("SearchEcho3.text")).toBe("ABC #3");
  expect([...engine.allErrors().keys()]).toEqual([]);
});
