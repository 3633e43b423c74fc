/**
 * CHART_WIDGET: line, bar, column, area, pie and scatter charts drawn by ECharts. This module is
 * loaded lazily (with ECharts) the first time a page shows a chart. Clicking a point sets
 * `selectedDataPoint` and runs `onDataPointClick`.
 */
import { BarChart, LineChart, PieChart, ScatterChart } from "echarts/charts";
import { DataZoomComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";

import { chartOption, selectedDataPoint, type ClickedPoint } from "./option";
import { boxStyle, type WidgetProps } from "../types";

// Only the chart kinds and parts the widget offers, to keep this chunk small.
echarts.use([BarChart, LineChart, PieChart, ScatterChart, DataZoomComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent, CanvasRenderer]);

export default function Chart({ values, onMeta, onEvent }: WidgetProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  // The page passes new callbacks on every render; the chart is created once and reads the latest.
  const latest = useRef({ values, onMeta, onEvent });
  latest.current = { values, onMeta, onEvent };
  useEffect(() => {
    if (!box.current) return undefined;
    const instance = echarts.init(box.current);
    chart.current = instance;
    instance.setOption(chartOption(latest.current.values), true);
    instance.on("click", (p) => {
      const { values: now, onMeta: meta, onEvent: event } = latest.current;
      meta({ selectedDataPoint: selectedDataPoint(now, p as ClickedPoint) });
      event("onDataPointClick");
    });
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(box.current);
    return () => {
      resize.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);
  const option = chartOption(values);
  const optionKey = JSON.stringify(option);
  useEffect(() => {
    chart.current?.setOption(JSON.parse(optionKey) as Record<string, unknown>, true);
  }, [optionKey]);
  return <div ref={box} className="lc-chart" style={boxStyle(values)} role="img" aria-label={String(values["chartName"] || "Chart")} />;
}
