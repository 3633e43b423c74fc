/** UNSUPPORTED_WIDGET: bundled with the page (a few lines; an imported app may show several). */
import type { WidgetDefinition } from "../definition";
import Unsupported from "./index";

const definition: WidgetDefinition = {
  component: Unsupported,
};

export default definition;
