/** The ECharts option for a chart's properties (kept apart from ECharts so it loads and tests alone). */
import { arr, str, type WidgetValues } from "../types";

interface Series {
  seriesName?: string;
  data?: { x?: unknown; y?: unknown }[];
  color?: string;
}

const KINDS: Record<string, { type: string; area?: boolean; horizontal?: boolean }> = {
  LINE_CHART: { type: "line" },
  AREA_CHART: { type: "line", area: true },
  COLUMN_CHART: { type: "bar" },
  BAR_CHART: { type: "bar", horizontal: true },
  SCATTER_CHART: { type: "scatter" },
  PIE_CHART: { type: "pie" },
};

/** Category label angles per `labelOrientation` ("auto" lets ECharts thin the labels out). */
const ROTATIONS: Record<string, number | undefined> = { auto: undefined, slant: 45, rotate: 90, stagger: 0 };

export function chartOption(values: WidgetValues): Record<string, unknown> {
  const kind = KINDS[str(values["chartType"], "COLUMN_CHART")] ?? { type: "bar" };
  const series = Object.values((values["chartData"] ?? {}) as Record<string, Series>);
  const categories = [...new Set(series.flatMap((s) => arr(s.data).map((p) => str((p as { x?: unknown }).x))))];
  const label = { show: values["showDataPointLabel"] === true };
  if (kind.type === "pie") {
    const first = series[0];
    return {
      title: { text: str(values["chartName"]) },
      tooltip: { trigger: "item" },
      legend: { show: true, bottom: 0 },
      series: [{ type: "pie", name: first?.seriesName, label, data: arr(first?.data).map((p) => ({ name: str((p as { x?: unknown }).x), value: (p as { y?: unknown }).y })) }],
    };
  }
  const rotate = ROTATIONS[str(values["labelOrientation"], "auto")];
  const category = {
    type: "category",
    data: categories,
    name: str(kind.horizontal ? values["yAxisName"] : values["xAxisName"]),
    ...(rotate === undefined ? {} : { axisLabel: { rotate, interval: 0 } }),
  };
  const value = { type: "value", name: str(kind.horizontal ? values["xAxisName"] : values["yAxisName"]), scale: values["setAdaptiveYMin"] === true };
  return {
    title: { text: str(values["chartName"]) },
    tooltip: { trigger: "axis" },
    legend: { show: series.length > 1, bottom: 0 },
    dataZoom: values["allowScroll"] === true ? [{ type: "inside" }] : [],
    xAxis: kind.horizontal ? value : category,
    yAxis: kind.horizontal ? category : value,
    series: series.map((s) => ({
      type: kind.type,
      name: s.seriesName,
      label,
      ...(kind.area ? { areaStyle: {} } : {}),
      ...(s.color ? { itemStyle: { color: s.color } } : {}),
      data: arr(s.data).map((p) => (kind.type === "scatter" ? [str((p as { x?: unknown }).x), (p as { y?: unknown }).y] : (p as { y?: unknown }).y)),
    })),
  };
}

/** What ECharts reports about a clicked point (the fields the widget reads). */
export interface ClickedPoint {
  readonly name?: string;
  readonly value?: unknown;
  readonly seriesName?: string;
  readonly seriesIndex?: number;
  readonly dataIndex?: number;
}

/**
 * `selectedDataPoint` for a click: `x`, `y` and `seriesTitle` as in the chart's data, and the
 * data point itself (`rawEventData`) with any extra fields it carries.
 */
export function selectedDataPoint(values: WidgetValues, p: ClickedPoint): Record<string, unknown> {
  const series = Object.values((values["chartData"] ?? {}) as Record<string, Series>);
  const source = series[p.seriesIndex ?? 0];
  const raw = arr(source?.data)[p.dataIndex ?? -1] as Record<string, unknown> | undefined;
  const [x, y] = Array.isArray(p.value) ? [p.value[0], p.value[1]] : [p.name, p.value];
  return { x: raw?.["x"] ?? x, y: raw?.["y"] ?? y, seriesTitle: source?.seriesName ?? p.seriesName ?? "", rawEventData: raw ?? { x, y } };
}
