import { renderToString } from "react-dom/server";
import { describe, expect, test } from "vitest";

import { Engine } from "../engine/engine";
import { loadManifests } from "../testing/manifests";
import { page, widget } from "../testing/pages";
import { RecordingHost } from "../testing/recordingHost";
import { WIDGET_DERIVED } from "./derived";
import { FormContext, formIsValid } from "./formContext";
import { looksLikeHtml, sanitizeHtml } from "./html";
import { filterOptions, summary } from "./Picker/options";
import Button, { formRole } from "./BUTTON_WIDGET";
import Text from "./TEXT_WIDGET";

const manifests = loadManifests();
const options = [
  { label: "New", value: "new" },
  { label: "Shipped", value: "shipped" },
  { label: "All", value: "" },
];

describe("select options", () => {
  test("searching matches labels and values, ignoring case", () => {
    expect(filterOptions(options, "SHIP").map((o) => o.label)).toEqual(["Shipped"]);
    expect(filterOptions(options, " ")).toHaveLength(3);
    expect(filterOptions(options, "zzz")).toEqual([]);
  });

  test("the closed dropdown shows the chosen labels, an empty-string value included", () => {
    expect(summary(options, ["new", "shipped"], "Pick")).toBe("New, Shipped");
    expect(summary(options, [""], "Pick")).toBe("All");
    expect(summary(options, [], "Pick")).toBe("Pick");
  });
});

describe("forms", () => {
  function formPage(amount: string) {
    const engine = new Engine({ derived: WIDGET_DERIVED, manifests, host: new RecordingHost() });
    const doc = page([
      widget("F", "FORM_WIDGET", {}, [
        widget("Amount", "INPUT_WIDGET_V2", { inputType: "NUMBER", isRequired: true, minNum: 1 }),
        widget("Note", "INPUT_WIDGET_V2", { isRequired: true, isVisible: false }),
        widget("Save", "BUTTON_WIDGET", { text: "Save", disabledWhenInvalid: true }),
      ]),
    ]);
    engine.load(doc);
    engine.setMeta("Amount", { text: amount, inputText: amount });
    return { form: (doc.dsl.children ?? [])[0]!, widgets: engine.widgetValues() };
  }

  test("are valid when every visible field is, hidden required fields aside", () => {
    expect(formIsValid(formPage("5").form, formPage("5").widgets)).toBe(true);
    const bad = formPage("0");
    expect(formIsValid(bad.form, bad.widgets)).toBe(false);
  });

  test("a submit button is disabled while its form is invalid", () => {
    const { widgets } = formPage("0");
    const render = (valid: boolean) =>
      renderToString(
        <FormContext.Provider value={{ valid, reset: () => undefined }}>
          <Button name="Save" values={widgets["Save"]!} onMeta={() => undefined} onEvent={() => undefined} />
        </FormContext.Provider>,
      );
    expect(render(false)).toContain("disabled");
    expect(render(true)).not.toContain("disabled");
  });

  test("a SUBMIT button is the form's default button; a RESET button resets the form", () => {
    const html = (values: Record<string, unknown>) =>
      renderToString(<Button name="B" values={values} onMeta={() => undefined} onEvent={() => undefined} />);
    expect(html({ text: "Save", buttonType: "SUBMIT" })).toContain('type="submit"');
    expect(html({ text: "Clear", buttonType: "RESET" })).toContain('type="button"');
    expect(html({ text: "Go" })).toContain('type="button"');
    expect(formRole({ buttonType: "RESET" }).resetsForm).toBe(true);
    expect(formRole({ buttonType: "SUBMIT", resetFormOnClick: true }).resetsForm).toBe(true);
    expect(formRole({ buttonType: "SUBMIT" }).resetsForm).toBe(false);
  });
});

describe("HTML from users and data", () => {
  test("is recognised by its tags", () => {
    expect(looksLikeHtml("<b>bold</b>")).toBe(true);
    expect(looksLikeHtml("a < b and c > d")).toBe(false);
    expect(looksLikeHtml("2 <3")).toBe(false);
  });

  test("outside a browser it is shown as text, never passed through unsanitised", () => {
    const hostile = '<img src=x onerror="alert(1)">';
    expect(sanitizeHtml(hostile)).toBe('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    const html = renderToString(<Text name="T" values={{ text: hostile }} onMeta={() => undefined} onEvent={() => undefined} />);
    expect(html).not.toContain("<img");
  });
});
