import { describe, expect, it } from "vitest";

import { codeToSteps, stepsToCode, type Step } from "./eventCode";

describe("the event action picker", () => {
  it("writes readable JavaScript that runs the steps in order", () => {
    const steps: Step[] = [
      { kind: "runQuery", name: "updateOrder" },
      { kind: "showAlert", message: "Order saved", style: "success" },
      { kind: "closeModal", name: "Modal1" },
      { kind: "runQuery", name: "getOrders" },
    ];
    expect(stepsToCode(steps)).toBe(
      "{{updateOrder.run().then(() => showAlert('Order saved', 'success')).then(() => closeModal('Modal1')).then(() => getOrders.run())}}",
    );
  });

  it("reads its own code back into steps", () => {
    const steps: Step[] = [
      { kind: "showModal", name: "Modal1" },
      { kind: "storeValue", key: "picked", value: "Table1.selectedRow.id" },
      { kind: "navigateTo", page: "Details" },
      { kind: "runJs", object: "Utils", fn: "refresh" },
      { kind: "showAlert", message: "It's (done)", style: "info" },
    ];
    expect(codeToSteps(stepsToCode(steps))).toEqual(steps);
  });

  it("triggers a workflow, waiting for it or not, and reads it back", () => {
    const wait: Step = { kind: "triggerWorkflow", workflow: "Approve", data: "{ id: Table1.selectedRow.id }", wait: true };
    const fire: Step = { kind: "triggerWorkflow", workflow: "Approve", data: "", wait: false };
    expect(stepsToCode([wait, { kind: "showAlert", message: "Sent", style: "success" }])).toBe(
      "{{triggerWorkflow('Approve', { id: Table1.selectedRow.id }).then(() => showAlert('Sent', 'success'))}}",
    );
    expect(stepsToCode([fire])).toBe("{{triggerWorkflow('Approve', {}, { wait: false })}}");
    expect(codeToSteps(stepsToCode([wait, fire]))).toEqual([wait, fire]);
  });

  it("leaves hand-written code to JS mode", () => {
    expect(codeToSteps("{{ if (Input1.text) { getOrders.run() } }}")).toBeNull();
    expect(codeToSteps("not code")).toBeNull();
    expect(codeToSteps("")).toEqual([]);
  });
});
