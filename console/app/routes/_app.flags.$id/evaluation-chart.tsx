import { Link, useLocation } from '@remix-run/react';
import { useMemo } from 'react';
import { BarChart, CHART_COLORS } from '../../components/charts.tsx';
import { CHART_DAYS, dailyCounts } from '../../lib/flags.ts';
import { formatCount } from '../../lib/format.ts';
import { withParams } from '../../lib/list.ts';

/** Evaluations per UTC day over the chosen span, every day shown (0 for a quiet one). */
export function EvaluationChart({ span, days, counts }: { span: { from: string; to: string }; days: number; counts: readonly { day: string; count: number }[] }) {
  const { search } = useLocation();
  const series = useMemo(() => dailyCounts(span, counts), [span, counts]);
  const bars = useMemo(() => [{ label: 'Evaluations', data: series.counts, color: CHART_COLORS.accent }], [series]);
  const labels = useMemo(() => series.days.map((d) => d.slice(5)), [series]);
  const total = series.counts.reduce((sum, n) => sum + n, 0);
  return (
    <section aria-label="Evaluations" data-testid="flag-evaluations" data-total={total}>
      <h2>Evaluations</h2>
      <nav className="job-windows" aria-label="Span">
        {CHART_DAYS.map((d) => (
          <Link key={d} to={withParams(search, { days: String(d) })} aria-current={d === days ? 'page' : undefined} preventScrollReset>
            {d} days
          </Link>
        ))}
      </nav>
      <BarChart
        title={`Evaluations per day (UTC) · ${formatCount(total)} in ${days} days`}
        summary={`${formatCount(total)} evaluations in the last ${days} days`}
        labels={labels}
        tooltipTitles={series.days}
        series={bars}
        testId="evaluation-chart"
      />
    </section>
  );
}
