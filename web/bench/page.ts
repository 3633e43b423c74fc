/**
 * The benchmark page: 1,000 widgets and about 3,000 bindings, in groups of ten widgets that read
 * each other, a query's data and a JS object, as a busy real page does. One Input, `Search`, is
 * read by exactly ten bindings: the keystroke benchmark types into it.
 */
import type { PageDefinition, WidgetNode } from "../src/engine/page";

export const SEARCH_READERS = 10;

function w(widgetName: string, type: string, i: number, props: Record<string, unknown>): WidgetNode {
  const row = Math.floor(i / 4) * 7;
  const col = (i % 4) * 16;
  return { widgetName, type, leftColumn: col, rightColumn: col + 16, topRow: row, bottomRow: row + 7, ...props };
}

function group(g: number): WidgetNode[] {
  const n = (k: number): number => g * 10 + k;
  return [
    w(`Input${g}`, "INPUT_WIDGET_V2", n(0), {
      defaultText: `{{getData.data[${g}].name}}`,
      label: `{{'Name ' + ${g}}}`,
      placeholderText: `{{Select${g}.selectedOptionLabel}}`,
      isDisabled: `{{!Checkbox${g}.isChecked}}`,
    }),
    w(`Select${g}`, "SELECT_WIDGET", n(1), {
      sourceData: `{{getData.data.slice(0, 10).map(r => ({ name: r.name, code: r.id }))}}`,
      defaultOptionValue: `{{getData.data[${g % 10}].id}}`,
      labelText: `{{'Pick ' + ${g}}}`,
      isRequired: `{{Input${g}.text === ''}}`,
    }),
    w(`Table${g}`, "TABLE_WIDGET_V2", n(2), {
      tableData: `{{getData.data.filter(r => r.id % 100 === ${g % 100}).concat(getData.data.slice(0, 5))}}`,
      isVisible: `{{Switch${g}.isSwitchedOn}}`,
      defaultSelectedRowIndex: `{{${g} % 5}}`,
    }),
    w(`Checkbox${g}`, "CHECKBOX_WIDGET", n(3), {
      label: `{{'Enable ' + Input${g}.text}}`,
      defaultCheckedState: `{{${g} % 2 === 0}}`,
      isRequired: `{{Input${g}.text.length > 20}}`,
    }),
    w(`Switch${g}`, "SWITCH_WIDGET", n(4), {
      defaultSwitchState: `{{Checkbox${g}.isChecked}}`,
      label: `{{Utils.label(${g})}}`,
    }),
    w(`Button${g}`, "BUTTON_WIDGET", n(5), {
      text: `{{'Save ' + Input${g}.text}}`,
      isDisabled: `{{!Input${g}.isValid}}`,
      tooltip: `{{Table${g}.selectedRow.name}}`,
      onClick: `{{ saveRow.run({ id: Table${g}.selectedRow.id }).then(() => showAlert('Saved')) }}`,
    }),
    w(`TextA${g}`, "TEXT_WIDGET", n(6), {
      text: `{{Input${g}.text + ' / ' + Select${g}.selectedOptionLabel}}`,
      isVisible: `{{Checkbox${g}.isChecked || Switch${g}.isSwitchedOn}}`,
      textColor: `{{Input${g}.isValid ? '#111111' : '#D92D20'}}`,
    }),
    w(`TextB${g}`, "TEXT_WIDGET", n(7), {
      text: `Selected: {{JSON.stringify(Table${g}.selectedRow)}}`,
      fontSize: `{{Table${g}.selectedRowIndex > 2 ? '1rem' : '0.875rem'}}`,
      backgroundColor: `{{Select${g}.selectedOptionValue === 'x' ? '#eeeeee' : ''}}`,
    }),
    w(`TextC${g}`, "TEXT_WIDGET", n(8), {
      text: `{{Utils.fmt(Table${g}.tableData.length)}} rows`,
      isVisible: `{{appsmith.store.showAll !== false}}`,
    }),
    w(`Progress${g}`, "PROGRESS_WIDGET", n(9), {
      progress: `{{Math.min(100, Table${g}.tableData.length * 10)}}`,
      isVisible: `{{Switch${g}.isSwitchedOn}}`,
      fillColor: `{{Table${g}.tableData.length > 3 ? '#039855' : '#F79009'}}`,
    }),
  ];
}

/** The search box and the ten widgets that read it. */
function searchGroup(): WidgetNode[] {
  const readers = Array.from({ length: SEARCH_READERS }, (_, i) =>
    w(`SearchEcho${i}`, "TEXT_WIDGET", i + 1, { text: `{{Search.text.toUpperCase()}} #${i}` }),
  );
  return [w("Search", "INPUT_WIDGET_V2", 0, { defaultText: "", label: "Search" }), ...readers];
}

export const BENCH_ROWS = Array.from({ length: 200 }, (_, i) => ({ id: i, name: `Customer ${i}`, total: (i * 37) % 1000 }));

/** `widgetCount` widgets: the search group, then groups of ten (the last one cut to fit). */
export function benchPage(widgetCount = 1000): PageDefinition {
  const widgets: WidgetNode[] = searchGroup();
  for (let g = 1; widgets.length < widgetCount; g++) widgets.push(...group(g).slice(0, widgetCount - widgets.length));
  return {
    dsl: { widgetName: "MainContainer", type: "CANVAS_WIDGET", leftColumn: 0, rightColumn: 64, topRow: 0, bottomRow: 10000, children: widgets },
    actions: [
      // Prefetched by the server, as an on-load query's result would be.
      { name: "getData", config: { sql: "select * from customers" }, data: BENCH_ROWS },
      { name: "saveRow", config: { sql: "update customers set seen = true where id = {{this.params.id}}" } },
    ],
    jsObjects: [
      {
        name: "Utils",
        body: `export default {\n  suffix: "!",\n  fmt(n) { return n.toLocaleString('en-US') + this.suffix },\n  label(g) { return 'Auto ' + g },\n}`,
      },
    ],
  };
}

/** How many strings with a `{{ }}` binding the page's widgets hold (event handlers excluded). */
export function countBindings(page: PageDefinition): { widgets: number; bindings: number } {
  let widgets = 0;
  let bindings = 0;
  const visit = (node: WidgetNode): void => {
    if (node.type !== "CANVAS_WIDGET") widgets += 1;
    for (const [k, v] of Object.entries(node)) {
      if (typeof v === "string" && v.includes("{{") && !/^on[A-Z]/.test(k)) bindings += 1;
    }
    for (const c of node.children ?? []) visit(c);
  };
  visit(page.dsl);
  return { widgets, bindings };
}
