/** SELECT_WIDGET: bundled with the page; its options have a typed editor. */
import type { WidgetDefinition } from "../definition";
import Select from "./index";

const definition: WidgetDefinition = {
  component: Select,
  editor: { controls: { sourceData: "options" } },
};

export default definition;
