/** TABLE_WIDGET_V2: loaded on first use; its columns have a typed editor that also orders them. */
import type { WidgetDefinition } from "../definition";

const definition: WidgetDefinition = {
  load: () => import("./index"),
  editor: { controls: { primaryColumns: "columns" }, folded: ["columnOrder"] },
};

export default definition;
