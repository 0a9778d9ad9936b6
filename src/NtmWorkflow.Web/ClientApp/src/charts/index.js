// The dashboard's charts (Apache ECharts): each <figure data-chart='{"labels": [...], "series": [{"name", "values"}], "stacked"?, "horizontal"?}'>
// gets a bar chart drawn from the same numbers as the table beside it; the table stays the accessible reading of it.
import * as echarts from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

// Early, on time, late keep the deadline colours of the inbox; other series take the theme's.
const colours = ['#2e7d32', '#1565c0', '#c62828', '#6a1b9a', '#ef6c00'];

function draw(host) {
  const spec = JSON.parse(host.dataset.chart);
  const canvas = document.createElement('div');
  canvas.className = 'chart-canvas';
  host.prepend(canvas);
  const category = { type: 'category', data: spec.labels, axisLabel: { interval: 0, width: 160, overflow: 'truncate' } };
  const value = { type: 'value', minInterval: 1 };
  const chart = echarts.init(canvas, null, { renderer: 'svg' });
  chart.setOption({
    color: spec.colours ?? colours,
    tooltip: { trigger: 'axis' },
    legend: spec.series.length > 1 ? { top: 0 } : undefined,
    grid: { left: spec.horizontal ? 170 : 40, right: 16, top: spec.series.length > 1 ? 32 : 12, bottom: 32 },
    xAxis: spec.horizontal ? value : category,
    yAxis: spec.horizontal ? { ...category, inverse: true } : value,
    series: spec.series.map(s => ({ type: 'bar', name: s.name, data: s.values, stack: spec.stacked ? 'all' : undefined })),
  });
  host.dataset.drawn = 'true';
  window.addEventListener('resize', () => chart.resize());
}

document.querySelectorAll('[data-chart]').forEach(draw);
