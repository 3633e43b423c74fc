/**
 * CHART_WIDGET: line, bar, column, area, pie and scatter charts drawn by ECharts. This module is
 * loaded lazily (with ECharts) the first time a page shows a chart.
 */
import { BarChart, LineChart, PieChart, ScatterChart } from "echarts/charts";
import { DataZoomComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";

import { chartOption } from "./option";
import type { WidgetProps } from "../types";

// Only the chart kinds and parts the widget offers, to keep this chunk small.
echarts.use([BarChart, LineChart, PieChart, ScatterChart, DataZoomComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent, CanvasRenderer]);

export default function Chart({ values, onMeta, onEvent }: WidgetProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    if (!box.current) return undefined;
    const instance = echarts.init(box.current);
    chart.current = instance;
    instance.on("click", (p) => {
      onMeta({ selectedDataPoint: { x: p.name, y: p.value, seriesTitle: p.seriesName } });
      onEvent("onDataPointClick");
    });
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(box.current);
    return () => {
      resize.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, [onMeta, onEvent]);
  useEffect(() => {
    chart.current?.setOption(chartOption(values), true);
  }, [values]);
  return <div ref={box} className="lc-chart" role="img" aria-label={String(values["chartName"] ?? "Chart")} />;
}
