/** DIVIDER_WIDGET: bundled with the page. */
import type { WidgetDefinition } from "../definition";
import Divider from "./index";

const definition: WidgetDefinition = {
  component: Divider,
};

export default definition;
