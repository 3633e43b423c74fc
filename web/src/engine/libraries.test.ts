import { afterAll, beforeAll, expect, test } from "vitest";

import { WIDGET_DERIVED } from "../widgets/derived";
import { Engine } from "./engine";
import { installLibraries, LIBRARIES } from "./libraries";
import { loadManifests } from "../testing/manifests";
import { page, widget } from "../testing/pages";
import { RecordingHost } from "../testing/recordingHost";

const scope = globalThis as unknown as Record<string, unknown>;

beforeAll(() => installLibraries(scope));
afterAll(() => {
  for (const name of Object.keys(LIBRARIES)) delete scope[name];
});

test("bindings use lodash as _ and Moment.js as moment, as in Appsmith", () => {
  const engine = new Engine({ derived: WIDGET_DERIVED, manifests: loadManifests(), host: new RecordingHost(), appsmith: {} });
  engine.load(
    page([
      widget("Text1", "TEXT_WIDGET", { text: "{{ _.sumBy([{ total: 2 }, { total: 3.5 }], 'total') }}" }),
      widget("Text2", "TEXT_WIDGET", { text: "{{ moment('2024-03-05').add(1, 'day').format('YYYY-MM-DD') }}" }),
      widget("Text3", "TEXT_WIDGET", { text: "{{ _.uniq([1, 1, 2]).join(',') }}" }),
    ]),
  );
  expect(engine.get("Text1.text")).toBe("5.5");
  expect(engine.get("Text2.text")).toBe("2024-03-06");
  expect(engine.get("Text3.text")).toBe("1,2");
});
