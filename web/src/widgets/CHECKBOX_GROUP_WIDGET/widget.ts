/** CHECKBOX_GROUP_WIDGET: loaded on first use; its options have a typed editor. */
import type { WidgetDefinition } from "../definition";

const definition: WidgetDefinition = {
  load: () => import("./index"),
  editor: { controls: { options: "options" } },
};

export default definition;
