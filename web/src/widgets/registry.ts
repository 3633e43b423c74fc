/**
 * Widget type -> component. Every type is loaded on first use of its kind except the cheap ones a
 * first paint nearly always needs; charts pull ECharts in only when a page shows one.
 */
import { lazy, type ComponentType } from "react";

import Button from "./BUTTON_WIDGET";
import Canvas from "./CANVAS_WIDGET";
import Checkbox from "./CHECKBOX_WIDGET";
import Container from "./CONTAINER_WIDGET";
import Divider from "./DIVIDER_WIDGET";
import Form from "./FORM_WIDGET";
import Input from "./INPUT_WIDGET_V2";
import Modal from "./MODAL_WIDGET";
import Select from "./SELECT_WIDGET";
import Text from "./TEXT_WIDGET";
import type { WidgetProps } from "./types";

type Widget = ComponentType<WidgetProps>;

export const WIDGETS: Readonly<Record<string, Widget>> = {
  BUTTON_WIDGET: Button,
  CANVAS_WIDGET: Canvas,
  CHECKBOX_WIDGET: Checkbox,
  CONTAINER_WIDGET: Container,
  DIVIDER_WIDGET: Divider,
  FORM_WIDGET: Form,
  INPUT_WIDGET_V2: Input,
  MODAL_WIDGET: Modal,
  SELECT_WIDGET: Select,
  TEXT_WIDGET: Text,
  CHART_WIDGET: lazy(() => import("./CHART_WIDGET")),
  CHECKBOX_GROUP_WIDGET: lazy(() => import("./CHECKBOX_GROUP_WIDGET")),
  CURRENCY_INPUT_WIDGET: lazy(() => import("./CURRENCY_INPUT_WIDGET")),
  DATE_PICKER_WIDGET2: lazy(() => import("./DATE_PICKER_WIDGET2")),
  FILE_PICKER_WIDGET_V2: lazy(() => import("./FILE_PICKER_WIDGET_V2")),
  ICON_BUTTON_WIDGET: lazy(() => import("./ICON_BUTTON_WIDGET")),
  IFRAME_WIDGET: lazy(() => import("./IFRAME_WIDGET")),
  IMAGE_WIDGET: lazy(() => import("./IMAGE_WIDGET")),
  LIST_WIDGET_V2: lazy(() => import("./LIST_WIDGET_V2")),
  MULTI_SELECT_WIDGET_V2: lazy(() => import("./MULTI_SELECT_WIDGET_V2")),
  PROGRESS_WIDGET: lazy(() => import("./PROGRESS_WIDGET")),
  RADIO_GROUP_WIDGET: lazy(() => import("./RADIO_GROUP_WIDGET")),
  STATBOX_WIDGET: lazy(() => import("./STATBOX_WIDGET")),
  SWITCH_WIDGET: lazy(() => import("./SWITCH_WIDGET")),
  TABLE_WIDGET_V2: lazy(() => import("./TABLE_WIDGET_V2")),
  TABS_WIDGET: lazy(() => import("./TABS_WIDGET")),
};

/** Loaders of every widget module, for tests and for preloading. */
export const WIDGET_MODULES: Readonly<Record<string, () => Promise<{ default: Widget }>>> = {
  BUTTON_WIDGET: async () => ({ default: WIDGETS["BUTTON_WIDGET"] as Widget }),
  CANVAS_WIDGET: async () => ({ default: WIDGETS["CANVAS_WIDGET"] as Widget }),
  CHART_WIDGET: () => import("./CHART_WIDGET"),
  CHECKBOX_GROUP_WIDGET: () => import("./CHECKBOX_GROUP_WIDGET"),
  CHECKBOX_WIDGET: async () => ({ default: WIDGETS["CHECKBOX_WIDGET"] as Widget }),
  CONTAINER_WIDGET: async () => ({ default: WIDGETS["CONTAINER_WIDGET"] as Widget }),
  CURRENCY_INPUT_WIDGET: () => import("./CURRENCY_INPUT_WIDGET"),
  DATE_PICKER_WIDGET2: () => import("./DATE_PICKER_WIDGET2"),
  DIVIDER_WIDGET: async () => ({ default: WIDGETS["DIVIDER_WIDGET"] as Widget }),
  FILE_PICKER_WIDGET_V2: () => import("./FILE_PICKER_WIDGET_V2"),
  FORM_WIDGET: async () => ({ default: WIDGETS["FORM_WIDGET"] as Widget }),
  ICON_BUTTON_WIDGET: () => import("./ICON_BUTTON_WIDGET"),
  IFRAME_WIDGET: () => import("./IFRAME_WIDGET"),
  IMAGE_WIDGET: () => import("./IMAGE_WIDGET"),
  INPUT_WIDGET_V2: async () => ({ default: WIDGETS["INPUT_WIDGET_V2"] as Widget }),
  LIST_WIDGET_V2: () => import("./LIST_WIDGET_V2"),
  MODAL_WIDGET: async () => ({ default: WIDGETS["MODAL_WIDGET"] as Widget }),
  MULTI_SELECT_WIDGET_V2: () => import("./MULTI_SELECT_WIDGET_V2"),
  PROGRESS_WIDGET: () => import("./PROGRESS_WIDGET"),
  RADIO_GROUP_WIDGET: () => import("./RADIO_GROUP_WIDGET"),
  SELECT_WIDGET: async () => ({ default: WIDGETS["SELECT_WIDGET"] as Widget }),
  STATBOX_WIDGET: () => import("./STATBOX_WIDGET"),
  SWITCH_WIDGET: () => import("./SWITCH_WIDGET"),
  TABLE_WIDGET_V2: () => import("./TABLE_WIDGET_V2"),
  TABS_WIDGET: () => import("./TABS_WIDGET"),
  TEXT_WIDGET: async () => ({ default: WIDGETS["TEXT_WIDGET"] as Widget }),
};
