import { describe, expect, test } from "vitest";

import { BindingSyntaxError, extractReferences } from "./references";

/** Cases in the spirit of spec/bindings: source -> the references a binding reads. */
const EXPRESSION_CASES: [string, string[]][] = [
  ["Table1.selectedRow.id", ["Table1.selectedRow.id"]],
  ["Input1.text + Input2.text", ["Input1.text", "Input2.text"]],
  ["getOrders.data[0].name", ["getOrders.data"]],
  ["getOrders.data[i]", ["getOrders.data", "i"]],
  ['Table1["selectedRow"].id', ["Table1.selectedRow.id"]],
  ["Table1.selectedRow?.id ?? 'none'", ["Table1.selectedRow.id"]],
  ["getOrders.data.map(o => o.total * rate)", ["getOrders.data.map", "rate"]],
  ["getOrders.data.map(({ total }) => total)", ["getOrders.data.map"]],
  ["(function f(n) { return n ? f(n - 1) : Utils.base })(3)", ["Utils.base"]],
  ["(() => { const Table1 = 1; return Table1 })()", []],
  ["(() => { try { return x } catch (Input1) { return Input1.text } })()", ["x"]],
  ["[1, 2].reduce((acc, v) => acc + v + Input1.value, 0)", ["Input1.value"]],
  ["Math.max(JSON.parse(Input1.text).n, Number.MAX_SAFE_INTEGER)", ["Input1.text"]],
  ["{ a: Input1.text, [Select1.selectedOptionValue]: 1, b }", ["Input1.text", "Select1.selectedOptionValue", "b"]],
  ["`${Input1.text} of ${appsmith.store.total}`", ["Input1.text", "appsmith.store.total"]],
  ["appsmith.URL.queryParams.id", ["appsmith.URL.queryParams.id"]],
  ["(() => { let x; { let Input1 = 2; x = Input1 } return Input1.text + x })()", ["Input1.text"]],
  ["(() => { for (const row of getOrders.data) { row.total } })()", ["getOrders.data"]],
  ["(() => { var hoisted; function helper() { return hoisted } return helper() })()", []],
  ["new Date(DatePicker1.selectedDate).getTime()", ["DatePicker1.selectedDate"]],
  ["Table1.tableData[Table1.selectedRowIndex]", ["Table1.selectedRowIndex", "Table1.tableData"]],
  ["class A { m() { return Text1.text } }", ["Text1.text"]],
];

describe("references of a data binding", () => {
  test.each(EXPRESSION_CASES)("%s", (source, expected) => {
    expect(extractReferences(source)).toEqual([...expected].sort());
  });
});

describe("references of an event handler", () => {
  test("statements: locals declared anywhere in the handler are not references", () => {
    const code = "const rows = await getOrders.run({ id: Table1.selectedRow.id }); storeValue('n', rows.length); showAlert(msg)";
    expect(extractReferences(code, "statements")).toEqual(["Table1.selectedRow.id", "getOrders.run", "msg"]);
  });

  test("action functions and built-ins are not references", () => {
    expect(extractReferences("showAlert(String(1)); navigateTo('Home'); console.log(x)", "statements")).toEqual(["x"]);
  });
});

describe("references of a JS object function", () => {
  test("`this.x` reads the object's member x; nested functions rebind this", () => {
    const code = "function () { const f = function () { return this.other }; return this.count + (() => this.step)() }";
    expect(extractReferences(code, "expression", { thisEntity: "Utils", topLevelIsMethod: true })).toEqual([
      "Utils.count",
      "Utils.step",
    ]);
  });
});

describe("syntax errors", () => {
  test("a binding that does not parse is reported with its position", () => {
    expect(() => extractReferences("Input1.text +")).toThrow(BindingSyntaxError);
  });

  test("a data binding holds a single expression; code after it is refused", () => {
    expect(() => extractReferences("1); fetch('/api/v1/users'); (2")).toThrow(/one expression/);
  });

  test("trailing comments are allowed", () => {
    expect(extractReferences("Input1.text // the name")).toEqual(["Input1.text"]);
  });
});
