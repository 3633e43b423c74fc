/** MULTI_SELECT_WIDGET_V2: loaded on first use; its options have a typed editor. */
import type { WidgetDefinition } from "../definition";

const definition: WidgetDefinition = {
  load: () => import("./index"),
  editor: { controls: { sourceData: "options" } },
};

export default definition;
