// @vitest-environment happy-dom
/** The JS object pane: each function's "run on page load" and "confirm before calling" switches. */
import { act } from "react";
import { createRoot } from "react-dom/client";
import { afterEach, expect, test } from "vitest";

import type { JsFunctionSettings } from "../engine/page";
import type { JsObjectRecord } from "./editorApi";
import JsObjectEditor from "./JsObjectEditor";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const container = document.createElement("div");
document.body.append(container);
const root = createRoot(container);
afterEach(() => act(() => root.render(null)));

function show(js: JsObjectRecord, saved: Record<string, JsFunctionSettings>[]): void {
  act(() =>
    root.render(
      <JsObjectEditor
        js={js}
        functions={["load", "purge"]}
        errors={[]}
        complete={() => null}
        lastRun={undefined}
        logs={[]}
        onChange={(changes) => changes.settings && saved.push({ ...changes.settings })}
        onRename={() => undefined}
        onRun={() => undefined}
        onDelete={() => undefined}
      />,
    ),
  );
}

const box = (label: string) => [...container.querySelectorAll("label")].find((l) => l.textContent?.includes(label))?.querySelector("input") as HTMLInputElement;

test("the chosen function's settings show and change; a function with none set is left out", () => {
  const saved: Record<string, JsFunctionSettings>[] = [];
  const js: JsObjectRecord = { id: "j1", pageId: "p1", name: "Orders", body: "", settings: { purge: { confirmBeforeRun: true } } };
  show(js, saved);
  expect(box("Run load on page load").checked).toBe(false);
  act(() => box("Run load on page load").click());
  expect(saved.at(-1)).toEqual({ purge: { confirmBeforeRun: true }, load: { runOnPageLoad: true } });

  const select = container.querySelector("select[aria-label='Function to run']") as HTMLSelectElement;
  act(() => {
    select.value = "purge";
    select.dispatchEvent(new Event("change", { bubbles: true }));
  });
  expect(box("Confirm before calling purge").checked).toBe(true);
  act(() => box("Confirm before calling purge").click());
  expect(saved.at(-1)).toEqual({});
});
