/**
 * FORM_WIDGET: the values of the fields inside it, and whether the user changed any. A field is a
 * widget that tracks whether the user changed it (`isDirty` meta: the input kinds), so a new input
 * type joins forms by declaring that meta, with no list here to update.
 */
import type { DerivedValues, WidgetValues } from "../../engine/derived";

/** The value a form collects from a field inside it. */
export function formFieldValue(w: WidgetValues): unknown {
  for (const key of ["value", "selectedOptionValues", "selectedOptionValue", "selectedValues", "selectedDate", "files", "isChecked", "isSwitchedOn", "text"]) {
    if (key in w) return w[key];
  }
  return undefined;
}

const isField = (w: WidgetValues | undefined): w is WidgetValues => w !== undefined && "isDirty" in w;

export const derived: DerivedValues = {
  data: {
    reads: [],
    readsDescendants: true,
    compute: (_w, ctx) => {
      const data: Record<string, unknown> = {};
      for (const name of ctx.descendants) {
        const child = ctx.values(name);
        if (isField(child)) data[name] = formFieldValue(child);
      }
      return data;
    },
  },
  hasChanges: {
    reads: [],
    readsDescendants: true,
    compute: (_w, ctx) => ctx.descendants.some((name) => ctx.values(name)?.["isDirty"] === true),
  },
};
