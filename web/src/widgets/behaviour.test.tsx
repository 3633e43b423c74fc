/**
 * Each widget as a user meets it: what it shows, and what bindings see after the user operates it
 * (the meta changes go through the real engine, so derived values such as `value`, `isValid` and
 * `formattedDate` are the engine's).
 */
import { renderToString } from "react-dom/server";
import { describe, expect, test } from "vitest";

import { Engine } from "../engine/engine";
import { loadManifests } from "../testing/manifests";
import { page, widget } from "../testing/pages";
import { RecordingHost } from "../testing/recordingHost";
import { byTag, WidgetHarness } from "../testing/widgetHarness";
import Checkbox from "./CHECKBOX_WIDGET";
import CheckboxGroup from "./CHECKBOX_GROUP_WIDGET";
import { selectedDataPoint } from "./CHART_WIDGET/option";
import CurrencyInput from "./CURRENCY_INPUT_WIDGET";
import { acceptAmount, formatAmount } from "./CURRENCY_INPUT_WIDGET/amount";
import DatePicker from "./DATE_PICKER_WIDGET2";
import { fromLocalInput, toLocalInput } from "./DATE_PICKER_WIDGET2/localInput";
import Divider from "./DIVIDER_WIDGET";
import { admit, readFile, rulesOf, typeAllowed } from "./FILE_PICKER_WIDGET_V2/files";
import IconButton from "./ICON_BUTTON_WIDGET";
import Input from "./INPUT_WIDGET_V2";
import { sandboxFor, safeSource } from "./IFRAME_WIDGET/frame";
import Iframe from "./IFRAME_WIDGET";
import Image from "./IMAGE_WIDGET";
import Modal from "./MODAL_WIDGET";
import { trappedIndex } from "./MODAL_WIDGET/focus";
import Progress from "./PROGRESS_WIDGET";
import RadioGroup from "./RADIO_GROUP_WIDGET";
import Statbox from "./STATBOX_WIDGET";
import Switch from "./SWITCH_WIDGET";
import Tabs from "./TABS_WIDGET";
import { WIDGET_DERIVED } from "./derived";

const manifests = loadManifests();
const checkbox = (h: WidgetHarness, value?: unknown) => h.find(byTag("input", (p) => p["type"] === "checkbox" && (value === undefined || p["value"] === value)), `checkbox ${String(value ?? "")}`);

describe("CHECKBOX_WIDGET", () => {
  test("shows its label and tick; unticking sets isChecked and value, and runs onCheckChange", () => {
    const h = new WidgetHarness(Checkbox, "CHECKBOX_WIDGET", { label: "I agree", isRequired: true });
    expect(h.html()).toMatch(/I agree.*checked/);
    h.fire(checkbox(h), "onChange", { checked: false });
    expect(h.values).toMatchObject({ isChecked: false, value: false, isDirty: true, isValid: false });
    expect(h.eventNames()).toEqual(["onCheckChange"]);
    expect(h.html()).toContain('aria-invalid="true"');
  });

  test("puts the label on the side the developer chose", () => {
    const left = new WidgetHarness(Checkbox, "CHECKBOX_WIDGET", { label: "L", labelPosition: "Left" }).html();
    const right = new WidgetHarness(Checkbox, "CHECKBOX_WIDGET", { label: "R", labelPosition: "Right" }).html();
    expect(left.indexOf("L")).toBeLessThan(left.indexOf("<input"));
    expect(right.indexOf("<input")).toBeLessThan(right.lastIndexOf("R<"));
  });
});

describe("SWITCH_WIDGET", () => {
  test("is a switch; turning it off sets isSwitchedOn and value, and runs onChange", () => {
    const h = new WidgetHarness(Switch, "SWITCH_WIDGET", { label: "Notify me" });
    expect(h.html()).toMatch(/role="switch".*checked/);
    h.fire(checkbox(h), "onChange", { checked: false });
    expect(h.values).toMatchObject({ isSwitchedOn: false, value: false });
    expect(h.eventNames()).toEqual(["onChange"]);
  });
});

describe("CHECKBOX_GROUP_WIDGET", () => {
  test("ticking keeps selectedValues in the options' order and runs onSelectionChange", () => {
    const h = new WidgetHarness(CheckboxGroup, "CHECKBOX_GROUP_WIDGET", { defaultSelectedValues: ["BLUE"] });
    expect(h.html()).toContain("Green");
    h.fire(checkbox(h, "RED"), "onChange", { checked: true });
    expect(h.values["selectedValues"]).toEqual(["RED", "BLUE"]);
    h.fire(checkbox(h, "BLUE"), "onChange", { checked: false });
    expect(h.values["selectedValues"]).toEqual(["RED"]);
    expect(h.eventNames()).toEqual(["onSelectionChange", "onSelectionChange"]);
  });

  test("'Select all' ticks every option and unticks them all; a required group with none is invalid", () => {
    const h = new WidgetHarness(CheckboxGroup, "CHECKBOX_GROUP_WIDGET", { isSelectAll: true, isRequired: true });
    const all = h.find(byTag("input", (p) => p["value"] === undefined), "Select all");
    h.fire(all, "onChange", { checked: true });
    expect(h.values["selectedValues"]).toEqual(["RED", "GREEN", "BLUE"]);
    h.fire(h.find(byTag("input", (p) => p["value"] === undefined)), "onChange", { checked: false });
    expect(h.values).toMatchObject({ selectedValues: [], isValid: false });
  });
});

describe("RADIO_GROUP_WIDGET", () => {
  test("choosing an option sets selectedOptionValue and its label", () => {
    const h = new WidgetHarness(RadioGroup, "RADIO_GROUP_WIDGET", { options: [{ label: "One", value: 1 }, { label: "Two", value: 2 }], defaultOptionValue: 1 });
    expect(h.html()).toMatch(/checked="" value="1"/);
    h.fire(h.find(byTag("input", (p) => p["value"] === "2")), "onChange");
    expect(h.values).toMatchObject({ selectedOptionValue: 2, selectedOptionLabel: "Two", isValid: true });
    expect(h.eventNames()).toEqual(["onSelectionChange"]);
  });
});

describe("DATE_PICKER_WIDGET2", () => {
  test("a picked date becomes selectedDate (ISO) and formattedDate in the chosen format", () => {
    const h = new WidgetHarness(DatePicker, "DATE_PICKER_WIDGET2", { dateFormat: "Do MMMM YYYY, h:mm A", timePrecision: "minute" });
    const input = h.find(byTag("input"));
    expect(input.props["type"]).toBe("datetime-local");
    h.fire(input, "onChange", { value: "2024-03-05T14:07" });
    expect(h.values["selectedDate"]).toBe(new Date(2024, 2, 5, 14, 7).toISOString());
    expect(h.values["formattedDate"]).toBe("5th March 2024, 2:07 PM");
    expect(h.eventNames()).toEqual(["onDateSelected"]);
    expect(h.html()).toContain('value="2024-03-05T14:07"');
  });

  test("a date outside min/max is invalid and says which dates are allowed", () => {
    const h = new WidgetHarness(DatePicker, "DATE_PICKER_WIDGET2", { minDate: new Date(2024, 0, 1).toISOString(), maxDate: new Date(2024, 11, 31).toISOString(), timePrecision: "None" });
    const input = h.find(byTag("input"));
    expect(input.props).toMatchObject({ type: "date", min: "2024-01-01", max: "2024-12-31" });
    h.fire(input, "onChange", { value: "2025-02-01" });
    expect(h.values["isValid"]).toBe(false);
    expect(h.html()).toContain("Choose a date between 2024-01-01 and 2024-12-31");
    h.fire(h.find(byTag("input")), "onChange", { value: "2024-06-01" });
    expect(h.values).toMatchObject({ isValid: true, formattedDate: "2024-06-01 00:00" });
  });

  test("local input text and ISO dates convert both ways at each precision", () => {
    const iso = new Date(2024, 1, 29, 9, 5, 7).toISOString();
    expect(toLocalInput(iso, "None")).toBe("2024-02-29");
    expect(toLocalInput(iso, "second")).toBe("2024-02-29T09:05:07");
    expect(fromLocalInput("2024-02-29")).toBe(new Date(2024, 1, 29).toISOString());
    expect(fromLocalInput("")).toBe("");
  });
});

describe("FILE_PICKER_WIDGET_V2", () => {
  const csv = new File(["id,name\n1,Ada\n"], "people.csv", { type: "text/csv" });
  const png = new File([new Uint8Array([137, 80, 78, 71])], "logo.png", { type: "image/png" });

  test("reads files as a base64 data URL, text or binary string, with name, type and size", async () => {
    expect(await readFile(png, "Base64")).toMatchObject({ name: "logo.png", type: "image/png", size: 4, dataFormat: "Base64", data: "data:image/png;base64,iVBORw==" });
    expect((await readFile(csv, "Text")).data).toBe("id,name\n1,Ada\n");
    expect((await readFile(png, "Binary")).data).toBe("\x89PNG");
  });

  test("refuses files of other types, over the size limit, or beyond the number allowed", () => {
    const rules = rulesOf({ allowedFileTypes: [".csv", "image/*"], maxFileSize: 1, maxNumFiles: 2 });
    const big = { name: "big.csv", type: "text/csv", size: 2 * 1024 * 1024 };
    const pdf = { name: "a.pdf", type: "application/pdf", size: 10 };
    const { accepted, rejected } = admit(1, [pdf, big, csv, png], rules);
    expect(accepted.map((f) => f.name)).toEqual(["people.csv"]);
    expect(rejected.map((r) => r.reason)).toEqual([
      "a.pdf: only .csv, image/* files are allowed",
      "big.csv is 2 MB; the limit is 1 MB",
      "logo.png: at most 2 files",
    ]);
    expect(typeAllowed(pdf, ["*"])).toBe(true);
    expect(admit(1, [png], rulesOf({})).replace).toBe(true);
  });

  test("the files reach a query's parameters through bindings", async () => {
    const host = new RecordingHost();
    const engine = new Engine({ derived: WIDGET_DERIVED, manifests, host });
    const save = { name: "save", config: { body: "{{Upload.files[0].data}}", name: "{{Upload.files[0].name}}" } };
    engine.load(page([widget("Upload", "FILE_PICKER_WIDGET_V2", { onFilesSelected: "{{ save.run() }}", isRequired: true })], [save]));
    expect(engine.widgetValues()["Upload"]?.["isValid"]).toBe(false);
    engine.setMeta("Upload", { selectedFiles: [await readFile(csv, "Base64")] });
    expect(engine.widgetValues()["Upload"]?.["isValid"]).toBe(true);
    await engine.runEvent("Upload", "onFilesSelected", {});
    const result = host.requests.at(-1);
    expect(result?.params).toEqual({ "Upload.files[0].data": `data:text/csv;base64,${btoa("id,name\n1,Ada\n")}`, "Upload.files[0].name": "people.csv" });
  });
});

describe("INPUT_WIDGET_V2", () => {
  test("Enter runs the field's onSubmit; without one it falls through to the form's submit button", () => {
    const enter = (props: Record<string, unknown>) => {
      const h = new WidgetHarness(Input, "INPUT_WIDGET_V2", props);
      let prevented = false;
      h.fire(h.find(byTag("input")), "onKeyDown", {}, { key: "Enter", preventDefault: () => (prevented = true) });
      return { prevented, events: h.eventNames() };
    };
    expect(enter({ onSubmit: "{{search.run()}}" })).toEqual({ prevented: true, events: ["onSubmit"] });
    expect(enter({}).prevented).toBe(false);
  });
});

describe("CURRENCY_INPUT_WIDGET", () => {
  test("typing keeps at most the allowed decimals; value is the number; shown grouped when not editing", () => {
    const h = new WidgetHarness(CurrencyInput, "CURRENCY_INPUT_WIDGET", { decimals: 2, defaultCurrencyCode: "EUR" });
    expect(h.html()).toContain("€");
    h.fire(h.find(byTag("input")), "onChange", { value: "1234.5" });
    expect(h.values).toMatchObject({ text: "1234.5", value: 1234.5, isValid: true });
    h.fire(h.find(byTag("input")), "onChange", { value: "1234.567" });
    expect(h.values["text"]).toBe("1234.5");
    expect(h.html()).toContain('value="1,234.50"');
    h.fire(h.find(byTag("input")), "onFocus");
    expect(h.html()).toContain('value="1234.5"');
    h.fire(h.find(byTag("input")), "onKeyDown", {}, { key: "Enter" });
    expect(h.eventNames()).toEqual(["onTextChanged", "onFocus", "onSubmit"]);
  });

  test("with allowCurrencyChange the user picks the currency", () => {
    const h = new WidgetHarness(CurrencyInput, "CURRENCY_INPUT_WIDGET", { allowCurrencyChange: true });
    h.fire(h.find(byTag("select")), "onChange", { value: "GBP" });
    expect(h.values["currencyCode"]).toBe("GBP");
    expect(acceptAmount("1,000", 0)).toBe("1000");
    expect(acceptAmount("1.5", 0)).toBeNull();
    expect(formatAmount("-3", 1)).toBe("-3.0");
  });
});

describe("CHART_WIDGET", () => {
  const values = { chartData: { s: { seriesName: "Sales", data: [{ x: "Mon", y: 3, id: 7 }, { x: "Tue", y: 5 }] } } };

  test("a clicked point becomes selectedDataPoint with x, y, the series title and the raw point", () => {
    expect(selectedDataPoint(values, { name: "Mon", value: 3, seriesIndex: 0, dataIndex: 0, seriesName: "Sales" })).toEqual({ x: "Mon", y: 3, seriesTitle: "Sales", rawEventData: { x: "Mon", y: 3, id: 7 } });
    expect(selectedDataPoint({}, { value: ["Tue", 5], seriesName: "S" })).toMatchObject({ x: "Tue", y: 5, seriesTitle: "S" });
  });
});

describe("TABS_WIDGET", () => {
  const tabsObj = {
    b: { id: "b", label: "Second", widgetId: "c2", index: 1 },
    a: { id: "a", label: "First", widgetId: "c1", index: 0 },
    h: { id: "h", label: "Hidden", widgetId: "c3", index: 2, isVisible: false },
  };
  const canvases = [<p key="c1">first canvas</p>, <p key="c2">second canvas</p>, <p key="c3">hidden canvas</p>];

  test("shows visible tabs in order and the selected tab's canvas; choosing a tab sets selectedTab", () => {
    const h = new WidgetHarness(Tabs, "TABS_WIDGET", { tabsObj, defaultTab: "First" });
    const html = renderToString(<Tabs name="T" values={h.values} onMeta={() => undefined} onEvent={() => undefined}>{canvases}</Tabs>);
    expect(html.indexOf("First")).toBeLessThan(html.indexOf("Second"));
    expect(html).not.toContain("Hidden");
    expect(html).toContain("first canvas");
    expect(html).not.toContain("second canvas");
    h.fire(h.find(byTag("button", (p) => p["children"] === "Second")), "onClick");
    expect(h.values["selectedTab"]).toBe("Second");
    expect(h.eventNames()).toEqual(["onTabSelected"]);
    const after = renderToString(<Tabs name="T" values={h.values} onMeta={() => undefined} onEvent={() => undefined}>{canvases}</Tabs>);
    expect(after).toContain("second canvas");
  });
});

describe("display widgets", () => {
  test("IMAGE_WIDGET shows the image (or the default), shaped, and runs onClick", () => {
    const h = new WidgetHarness(Image, "IMAGE_WIDGET", { image: "", defaultImage: "https://example.com/a.png", imageShape: "CIRCLE", enableDownload: true, onClick: "{{ showAlert('hi') }}" });
    expect(h.html()).toMatch(/src="https:\/\/example.com\/a.png".*border-radius:50%/);
    expect(h.html()).toContain("download");
    h.fire(h.find(byTag("img")), "onClick");
    expect(h.eventNames()).toEqual(["onClick"]);
  });

  test("DIVIDER_WIDGET draws its line in the chosen style and thickness", () => {
    const html = new WidgetHarness(Divider, "DIVIDER_WIDGET", { orientation: "vertical", thickness: 3, strokeStyle: "dashed", dividerColor: "#ff0000" }).html();
    expect(html).toContain('aria-orientation="vertical"');
    expect(html).toContain("border-left:3px dashed #ff0000");
  });

  test("STATBOX_WIDGET holds its child widgets in a bordered card", () => {
    const h = new WidgetHarness(Statbox, "STATBOX_WIDGET", { borderWidth: 2, borderColor: "#123456" });
    const html = renderToString(<Statbox name="S" values={h.values} onMeta={() => undefined} onEvent={() => undefined}><b>42 orders</b></Statbox>);
    expect(html).toContain("42 orders");
    expect(html).toContain("border:2px solid #123456");
  });

  test("PROGRESS_WIDGET shows a bar, steps or a circle with its figure", () => {
    expect(new WidgetHarness(Progress, "PROGRESS_WIDGET", { progress: 130, showResult: true }).html()).toMatch(/aria-valuenow="100".*width:100%.*100%/);
    const steps = new WidgetHarness(Progress, "PROGRESS_WIDGET", { progress: 50, steps: 4 }).html();
    expect(steps.match(/lc-progress__step" style="background:/g)).toHaveLength(2);
    const circle = new WidgetHarness(Progress, "PROGRESS_WIDGET", { progress: 25, progressType: "circular", showResult: true }).html();
    expect(circle).toMatch(/<svg.*25%/);
    expect(new WidgetHarness(Progress, "PROGRESS_WIDGET", { isIndeterminate: true }).html()).not.toContain("aria-valuenow");
  });

  test("ICON_BUTTON_WIDGET shows a glyph for its icon and runs onClick; disabled it does nothing", () => {
    const h = new WidgetHarness(IconButton, "ICON_BUTTON_WIDGET", { iconName: "trash", tooltip: "Delete row", buttonVariant: "TERTIARY" });
    expect(h.html()).toMatch(/aria-label="Delete row".*background:transparent.*🗑/);
    h.fire(h.find(byTag("button")), "onClick");
    expect(h.eventNames()).toEqual(["onClick"]);
    expect(new WidgetHarness(IconButton, "ICON_BUTTON_WIDGET", { isDisabled: true }).html()).toContain("disabled");
  });
});

describe("IFRAME_WIDGET", () => {
  test("is always sandboxed; only a page from another site with sandboxing off gets its own origin", () => {
    const html = new WidgetHarness(Iframe, "IFRAME_WIDGET", { source: "javascript:alert(1)" }).html();
    expect(html).toContain('sandbox="allow-scripts allow-forms allow-popups"');
    expect(html).not.toContain("javascript:");
    expect(safeSource(" https://maps.example.com/x ")).toBe("https://maps.example.com/x");
    expect(sandboxFor("https://maps.example.com/x", false, false, "https://app.example.com")).toContain("allow-same-origin");
    expect(sandboxFor("https://app.example.com/x", false, false, "https://app.example.com")).not.toContain("allow-same-origin");
    expect(sandboxFor(undefined, true, false, "https://app.example.com")).not.toContain("allow-same-origin");
    expect(sandboxFor("https://maps.example.com/x", false, true, "https://app.example.com")).not.toContain("allow-same-origin");
  });
});

describe("MODAL_WIDGET", () => {
  test("Tab and Shift+Tab go round the dialog's controls and never leave it", () => {
    expect(trappedIndex(3, 2, false)).toBe(0);
    expect(trappedIndex(3, 0, true)).toBe(2);
    expect(trappedIndex(3, 1, false)).toBe(2);
    expect(trappedIndex(3, -1, false)).toBe(0);
    expect(trappedIndex(3, -1, true)).toBe(2);
    expect(trappedIndex(0, -1, false)).toBe(-1);
  });

  test("an open modal is a focusable modal dialog holding its widgets", () => {
    const h = new WidgetHarness(Statbox, "MODAL_WIDGET");
    h.engine.setMeta("W1", { isOpen: true });
    const html = renderToString(<Modal name="M" values={h.values} onMeta={() => undefined} onEvent={() => undefined}><input aria-label="Customer" /></Modal>);
    expect(html).toMatch(/role="dialog" aria-modal="true" aria-label="M" tabindex="-1"/);
    expect(html).toContain('aria-label="Customer"');
  });
});
