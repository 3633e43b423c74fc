/** TEXT_WIDGET: bundled with the page. */
import type { WidgetDefinition } from "../definition";
import Text from "./index";

const definition: WidgetDefinition = {
  component: Text,
};

export default definition;
