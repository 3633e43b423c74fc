/**
 * What a form tells the widgets inside it: whether every visible field is valid, and how to reset
 * the fields. A button with `disabledWhenInvalid` or `resetFormOnClick` reads it.
 */
import { createContext, useContext } from "react";

import type { WidgetNode } from "../engine/page";

export interface FormState {
  readonly valid: boolean;
  reset(): void;
}

export const FormContext = createContext<FormState | null>(null);

export const useForm = (): FormState | null => useContext(FormContext);

/** A form is valid when none of the visible widgets inside it reports `isValid: false`. */
export function formIsValid(form: WidgetNode, widgets: Readonly<Record<string, Readonly<Record<string, unknown>>>>): boolean {
  const walk = (nodes: readonly WidgetNode[]): boolean =>
    nodes.every((node) => {
      const values = widgets[node.widgetName];
      if (values?.["isVisible"] === false) return true;
      if (values?.["isValid"] === false) return false;
      return walk(node.children ?? []);
    });
  return walk(form.children ?? []);
}
