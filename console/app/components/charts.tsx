import {
  BarController,
  BarElement,
  CategoryScale,
  Chart as ChartJS,
  Legend,
  LinearScale,
  Tooltip,
  type ChartData,
  type ChartOptions,
  type TooltipItem,
} from 'chart.js';
import { useMemo } from 'react';
import { Bar } from 'react-chartjs-2';

// Only what bar charts use, instead of chart.js/auto, so the other controllers stay out of the bundle.
ChartJS.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

export const CHART_COLORS = { accent: '#2f5bea', ok: '#1c7c4a', danger: '#c62f2f' } as const;

export type BarSeries = { label: string; data: number[]; color: string };

/**
 * A bar chart in a titled panel. The server renders an empty canvas; Chart.js draws it after hydration.
 * `summary` is the canvas's accessible name and the text shown where a canvas cannot be drawn.
 */
export function BarChart({
  title,
  summary,
  labels,
  series,
  stacked = false,
  tooltipTitles,
  testId,
}: {
  title: string;
  summary: string;
  labels: string[];
  series: BarSeries[];
  stacked?: boolean;
  /** Longer labels for tooltips (a full date where the axis shows "Mar 7"). */
  tooltipTitles?: string[];
  testId?: string;
}) {
  const data = useMemo<ChartData<'bar'>>(
    () => ({
      labels,
      datasets: series.map((s) => ({ label: s.label, data: s.data, backgroundColor: s.color, borderRadius: 2, maxBarThickness: 28 })),
    }),
    [labels, series],
  );
  const showLegend = series.length > 1;
  const options = useMemo<ChartOptions<'bar'>>(
    () => ({
      responsive: true,
      maintainAspectRatio: false,
      animation: { duration: 250 },
      interaction: { mode: 'index', intersect: false },
      plugins: {
        legend: { display: showLegend, position: 'bottom', labels: { boxWidth: 12 } },
        tooltip: {
          callbacks: {
            title: (items: TooltipItem<'bar'>[]) => {
              const first = items[0];
              return first ? (tooltipTitles?.[first.dataIndex] ?? first.label) : '';
            },
          },
        },
      },
      scales: {
        x: { stacked, grid: { display: false }, ticks: { autoSkip: true, maxRotation: 0 } },
        y: { stacked, beginAtZero: true, ticks: { precision: 0 } },
      },
    }),
    [stacked, showLegend, tooltipTitles],
  );
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>
        <h2>{title}</h2>
      </figcaption>
      <div className="canvas">
        <Bar data={data} options={options} aria-label={summary} fallbackContent={<p>{summary}</p>} />
      </div>
    </figure>
  );
}
