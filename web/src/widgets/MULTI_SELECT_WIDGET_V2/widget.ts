/** MULTI_SELECT_WIDGET_V2: loaded on first use. */
import type { WidgetDefinition } from "../definition";

const definition: WidgetDefinition = {
  load: () => import("./index"),
};

export default definition;
