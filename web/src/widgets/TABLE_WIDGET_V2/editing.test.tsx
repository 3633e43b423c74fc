// @vitest-environment happy-dom
/**
 * Editing a table as a user does (in a DOM, with the real engine behind it): a cell edited and
 * submitted, a row saved or discarded, select and checkbox cells, a menu button, and a new row.
 * Handlers store what they saw, so each test reads what a save query would have read.
 */
import { act, useState } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, describe, expect, test } from "vitest";

import { Engine } from "../../engine/engine";
import { loadManifests } from "../../testing/manifests";
import { page, widget } from "../../testing/pages";
import { RecordingHost } from "../../testing/recordingHost";
import { WIDGET_DERIVED } from "../derived";
import Table from "./index";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const manifests = loadManifests();
const people = [
  { id: 1, name: "Ada", city: "London", status: "open", vip: false },
  { id: 2, name: "Alan", city: "Wilmslow", status: "paid", vip: true },
];
let root: Root | null = null;

afterEach(() => {
  act(() => root?.unmount());
  root = null;
  document.body.innerHTML = "";
});

/** The table on a page run by the engine; meta changes and handlers go to the engine as in the viewer. */
function mount(props: Record<string, unknown>) {
  const engine = new Engine({ derived: WIDGET_DERIVED, manifests, host: new RecordingHost() });
  engine.load(page([widget("T", "TABLE_WIDGET_V2", { topRow: 0, bottomRow: 60, defaultPageSize: 10, isVisibleSearch: false, tableData: people, ...props })]));
  function Live() {
    const [, setVersion] = useState(0);
    const refresh = () => setVersion((v) => v + 1);
    return (
      <Table
        name="T"
        values={engine.widgetValues()["T"] as Record<string, unknown>}
        onMeta={(changes) => {
          engine.setMeta("T", changes);
          refresh();
        }}
        onEvent={(event, extra) => engine.runEvent("T", event, extra).finally(refresh)}
      />
    );
  }
  const container = document.createElement("div");
  document.body.append(container);
  root = createRoot(container);
  act(() => root?.render(<Live />));
  const values = () => engine.widgetValues()["T"] as Record<string, unknown>;
  const stored = (key: string) => engine.get(`appsmith.store.${key}`);
  return { engine, container, values, stored };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await act(() => new Promise((resolve) => setTimeout(resolve, 5)));
}

function cellOf(container: HTMLElement, row: number, text: string): HTMLElement {
  const rows = container.querySelectorAll("tbody tr");
  const found = [...(rows[row]?.querySelectorAll("td span") ?? [])].find((s) => s.textContent === text);
  if (!found) throw new Error(`no cell "${text}" in row ${row}: ${container.innerHTML}`);
  return found as HTMLElement;
}

function button(container: HTMLElement, label: string): HTMLButtonElement {
  const found = [...container.querySelectorAll("button")].find((b) => b.textContent?.trim() === label);
  if (!found) throw new Error(`no button "${label}" in ${container.innerHTML}`);
  return found;
}

async function editCell(container: HTMLElement, row: number, text: string, value: string): Promise<void> {
  act(() => cellOf(container, row, text).dispatchEvent(new MouseEvent("dblclick", { bubbles: true })));
  const input = container.querySelector("input.lc-table__editor") as HTMLInputElement;
  act(() => {
    input.value = value;
    input.blur();
  });
  await settle();
}

describe("editing cells", () => {
  test("a submitted edit runs the column's onSubmit with the edited row; updatedRow, updatedRows and updatedRowIndex report it", async () => {
    const { container, values, stored } = mount({
      primaryColumns: {
        city: { id: "city", isEditable: true, onSubmit: "{{storeValue('seen', currentRow.city + ' @' + currentIndex + ' ' + T.updatedRow.city + ' ' + T.updatedRowIndex)}}" },
      },
    });
    await editCell(container, 1, "Wilmslow", "Bletchley");
    expect(stored("seen")).toBe("Bletchley @1 Bletchley 1");
    expect(values()["updatedRows"]).toEqual([{ index: 1, updatedFields: { city: "Bletchley" }, allFields: { ...people[1], city: "Bletchley" } }]);
    expect(cellOf(container, 1, "Bletchley").className).toBe("lc-table__edited");
  });

  test("Escape drops an edit before it is made", async () => {
    const { container, values } = mount({ primaryColumns: { city: { id: "city", isEditable: true } } });
    act(() => cellOf(container, 0, "London").dispatchEvent(new MouseEvent("dblclick", { bubbles: true })));
    const input = container.querySelector("input.lc-table__editor") as HTMLInputElement;
    act(() => {
      input.value = "Paris";
      input.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    });
    await settle();
    expect(values()["updatedRows"]).toEqual([]);
    expect(cellOf(container, 0, "London")).toBeTruthy();
  });

  test("an edit the column's validation refuses keeps the cell open with the reason, and nothing is submitted", async () => {
    const { container, values, stored } = mount({
      tableData: [{ id: 1, qty: 3, code: "AB-1" }],
      primaryColumns: {
        qty: { id: "qty", columnType: "number", isEditable: true, validation: { min: 0, max: 10 }, onSubmit: "{{storeValue('qty', currentRow.qty)}}" },
        code: { id: "code", isEditable: true, validation: { regex: "[A-Z]{2}-\\d+", errorMessage: "Like AB-12" } },
      },
    });
    await editCell(container, 0, "3", "-5");
    expect(container.querySelector("[role=alert]")?.textContent).toBe("Minimum allowed value: 0");
    expect(values()["updatedRows"]).toEqual([]);
    const input = container.querySelector("input.lc-table__editor") as HTMLInputElement;
    act(() => {
      input.focus();
      input.value = "7";
      input.blur();
    });
    await settle();
    expect(stored("qty")).toBe(7);
    await editCell(container, 0, "AB-1", "nope");
    expect(container.querySelector("[role=alert]")?.textContent).toBe("Like AB-12");
    expect(values()["updatedRows"]).toEqual([{ index: 0, updatedFields: { qty: 7 }, allFields: { id: 1, qty: 7, code: "AB-1" } }]);
  });

  test("Save runs onSave with the edited row, then the row's edits are dropped; Discard drops them at once", async () => {
    const { container, values, stored } = mount({
      primaryColumns: {
        city: { id: "city", isEditable: true },
        EditActions1: { id: "EditActions1", columnType: "editActions", isDerived: true, onSave: "{{storeValue('saved', currentRow)}}", onDiscard: "{{storeValue('discarded', currentIndex)}}" },
      },
    });
    await editCell(container, 0, "London", "Marylebone");
    act(() => button(container.querySelectorAll("tbody tr")[0] as HTMLElement, "Save").click());
    await settle();
    expect(stored("saved")).toEqual({ ...people[0], city: "Marylebone" });
    expect(values()["updatedRows"]).toEqual([]);

    await editCell(container, 1, "Wilmslow", "Bletchley");
    act(() => button(container.querySelectorAll("tbody tr")[1] as HTMLElement, "Discard").click());
    await settle();
    expect(stored("discarded")).toBe(1);
    expect(values()["transientTableData"]).toEqual({});
    expect(cellOf(container, 1, "Wilmslow")).toBeTruthy();
  });

  test("an editable select cell edits the value and runs onOptionChange", async () => {
    const options = [{ label: "Open", value: "open" }, { label: "Paid", value: "paid" }];
    const { container, values, stored } = mount({
      primaryColumns: { status: { id: "status", columnType: "select", isEditable: true, selectOptions: options, onOptionChange: "{{storeValue('picked', currentRow.status)}}" } },
    });
    const select = container.querySelectorAll("tbody tr")[0]?.querySelector("select") as HTMLSelectElement;
    act(() => {
      select.value = "1";
      select.dispatchEvent(new Event("change", { bubbles: true }));
    });
    await settle();
    expect(stored("picked")).toBe("paid");
    expect(values()["updatedRow"]).toMatchObject({ id: 1, status: "paid" });
  });

  test("an editable checkbox cell ticks and runs onCheckChange; per row it can be locked", async () => {
    const { container, values, stored } = mount({
      primaryColumns: { vip: { id: "vip", columnType: "checkbox", isEditable: true, isCellEditable: "{{currentRow.id !== 2}}", onCheckChange: "{{storeValue('ticked', currentRow.vip)}}" } },
    });
    const boxes = [...container.querySelectorAll("tbody input[type=checkbox]")] as HTMLInputElement[];
    act(() => boxes[1]?.click());
    await settle();
    expect(stored("ticked")).toBeUndefined();
    act(() => boxes[0]?.click());
    await settle();
    expect(stored("ticked")).toBe(true);
    expect(values()["updatedRows"]).toEqual([{ index: 0, updatedFields: { vip: true }, allFields: { ...people[0], vip: true } }]);
  });
});

describe("buttons in cells", () => {
  test("a menu button's item runs its handler with the row it belongs to", async () => {
    const { container, stored } = mount({
      primaryColumns: {
        act: {
          id: "act",
          columnType: "menuButton",
          isDerived: true,
          menuButtonLabel: "More",
          menuItems: { i1: { id: "i1", label: "Archive", onClick: "{{storeValue('archived', currentRow.name)}}" }, i2: { id: "i2", label: "Hidden", isVisible: false } },
        },
      },
    });
    act(() => button(container.querySelectorAll("tbody tr")[1] as HTMLElement, "More ▾").click());
    expect(container.textContent).not.toContain("Hidden");
    act(() => button(container, "Archive").click());
    await settle();
    expect(stored("archived")).toBe("Alan");
  });
});

describe("adding a row", () => {
  test("starts from defaultNewRow, fills newRow as the user types, runs onAddNewRowSave reading it, then closes", async () => {
    const { container, values, stored } = mount({
      allowAddNewRow: true,
      defaultNewRow: { status: "open" },
      onAddNewRowSave: "{{storeValue('added', T.newRow)}}",
      primaryColumns: { name: { id: "name", isEditable: true }, city: { id: "city", isEditable: true } },
    });
    act(() => button(container, "Add new row").click());
    expect(values()).toMatchObject({ isAddRowInProgress: true, newRow: { status: "open" } });
    const input = container.querySelector('input[aria-label="New name"]') as HTMLInputElement;
    act(() => {
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")?.set;
      setter?.call(input, "Grace");
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
    expect(values()["newRow"]).toEqual({ status: "open", name: "Grace" });
    act(() => button(container, "Save new row").click());
    await settle();
    expect(stored("added")).toEqual({ status: "open", name: "Grace" });
    expect(values()).toMatchObject({ isAddRowInProgress: false, newRow: {} });
    expect(container.querySelector('[aria-label="New row"]')).toBeNull();
  });

  test("Discard closes the new row and runs onAddNewRowDiscard", async () => {
    const { container, values, stored } = mount({ allowAddNewRow: true, onAddNewRowDiscard: "{{storeValue('gaveUp', true)}}" });
    act(() => button(container, "Add new row").click());
    act(() => button(container, "Discard new row").click());
    await settle();
    expect(stored("gaveUp")).toBe(true);
    expect(values()["isAddRowInProgress"]).toBe(false);
  });
});
