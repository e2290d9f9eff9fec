import { CategoryScale, Chart as ChartJS, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartData, type ChartOptions } from 'chart.js';
import { useMemo } from 'react';
import { Line } from 'react-chartjs-2';
import { alignSeries, seriesLabel } from '../lib/alerts.ts';

ChartJS.register(LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend);

const PALETTE = ['#2f5bea', '#c62f2f', '#1c7c4a', '#b26b00', '#7a3fc2', '#0f7f8c', '#8a8f9c'];

type Series = { labels: unknown; tenantId?: string | null; points: { at: string; value: number }[] };

/** A metric's series over time on one axis (UTC); the server renders an empty canvas, Chart.js draws it. */
export function MetricChart({ title, series, threshold }: { title: string; series: Series[]; threshold?: number | null }) {
  const { times, values } = useMemo(() => alignSeries(series), [series]);
  const data = useMemo<ChartData<'line'>>(() => {
    const long = times.length > 0 && Date.parse(times[times.length - 1]!) - Date.parse(times[0]!) > 86_400_000;
    const datasets: ChartData<'line'>['datasets'] = series.map((s, i) => ({
      label: seriesLabel(s, title),
      data: values[i]!,
      borderColor: PALETTE[i % PALETTE.length],
      backgroundColor: PALETTE[i % PALETTE.length],
      pointRadius: times.length > 60 ? 0 : 2,
      spanGaps: true,
      borderWidth: 1.5,
    }));
    if (threshold !== undefined && threshold !== null) {
      datasets.push({ label: 'Threshold', data: times.map(() => threshold), borderColor: '#c62f2f', borderDash: [6, 4], pointRadius: 0, borderWidth: 1 });
    }
    return { labels: times.map((t) => (long ? t.slice(5, 16).replace('T', ' ') : t.slice(11, 16))), datasets };
  }, [times, values, series, title, threshold]);
  const options = useMemo<ChartOptions<'line'>>(
    () => ({
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: { display: data.datasets.length > 1, position: 'bottom', labels: { boxWidth: 12 } } },
      scales: { x: { grid: { display: false }, ticks: { autoSkip: true, maxRotation: 0 } } },
    }),
    [data.datasets.length],
  );
  const points = series.reduce((n, s) => n + s.points.length, 0);
  const summary = `${title}: ${series.length} series, ${points} points`;
  return (
    <figure className="chart line" data-testid="metric-chart" data-series={series.length} data-points={points}>
      <figcaption>
        <h2>{title}</h2>
      </figcaption>
      <div className="canvas">
        {points ? <Line data={data} options={options} aria-label={summary} fallbackContent={<p>{summary}</p>} /> : <p className="muted empty">No data in this range.</p>}
      </div>
    </figure>
  );
}
