/** SELECT_WIDGET: bundled with the page. */
import type { WidgetDefinition } from "../definition";
import Select from "./index";

const definition: WidgetDefinition = {
  component: Select,
};

export default definition;
