import { Form, useActionData, useNavigation } from '@remix-run/react';
import { useState } from 'react';
import { AlertNoDataValues, AlertOperatorValues, AlertSeverityValues, AlertSignalValues, MetricAggregationValues } from '../gql/lists.ts';
import { formatLabels, RANGES } from '../lib/alerts.ts';
import type { RuleFormResult } from '../lib/alerts-rule.server.ts';
import { formatCount, formatDateTime, humanize } from '../lib/format.ts';
import { Field, FormError } from './form.tsx';

export type RuleFormValues = {
  name: string;
  description?: string | null;
  signal: string;
  metric?: string | null;
  task?: string | null;
  labelFilter?: unknown;
  groupBy?: string[];
  aggregation?: string;
  windowSeconds?: number;
  operator: string;
  threshold?: number | null;
  pendingSeconds?: number;
  keepFiringSeconds?: number;
  repeatIntervalSeconds?: number;
  severity?: string;
  noData?: string;
  enabled?: boolean;
  tenantId?: string | null;
  tenantVisible?: boolean;
  channelIds?: string[];
};

const OPERATOR_TEXT: Record<string, string> = { GT: '>', GTE: '≥', LT: '<', LTE: '≤', EQ: '=', NEQ: '≠' };

/**
 * Every field of an alert rule, and the backtest: "Preview" replays the draft over a past range and says how
 * often it would have fired, before "Save" stores it.
 */
export function AlertRuleForm({
  values,
  metricNames,
  channels,
  submitLabel,
}: {
  values: RuleFormValues;
  metricNames: string[];
  channels: { id: string; name: string; kind: string; enabled: boolean }[];
  submitLabel: string;
}) {
  const result = useActionData<RuleFormResult>();
  const navigation = useNavigation();
  const busy = navigation.state !== 'idle' ? navigation.formData?.get('intent') : null;
  const errors = result?.fieldErrors ?? {};
  const [signal, setSignal] = useState(values.signal);
  const preview = result?.intent === 'preview' && result.ok ? result.preview : undefined;
  return (
    <Form method="post" className="form" noValidate data-testid="rule-form">
      <FormError message={result && !result.ok ? result.formError : null} />
      <Field label="Name" name="name" error={errors.name}>
        <input name="name" defaultValue={values.name} required maxLength={200} />
      </Field>
      <Field label="Description" name="description" error={errors.description}>
        <textarea name="description" defaultValue={values.description ?? ''} rows={2} />
      </Field>
      <Field label="Signal" name="signal" error={errors.signal}>
        <select name="signal" value={signal} onChange={(e) => setSignal(e.target.value)}>
          {AlertSignalValues.map((s) => (
            <option key={s} value={s}>
              {humanize(s)}
            </option>
          ))}
        </select>
      </Field>
      {signal === 'METRIC' ? (
        <Field label="Metric" name="metric" error={errors.metric}>
          <input name="metric" defaultValue={values.metric ?? ''} list="rule-metric-names" required />
          <datalist id="rule-metric-names">
            {metricNames.map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
        </Field>
      ) : (
        <Field label="Task" name="task" error={errors.task} hint="The background job's task name, as on the Jobs page.">
          <input name="task" defaultValue={values.task ?? ''} required />
        </Field>
      )}
      <Field label="Label filter" name="labelFilter" error={errors.labelFilter} hint="key=value, separated by commas">
        <input name="labelFilter" defaultValue={formatLabels(values.labelFilter)} />
      </Field>
      <Field label="Group by" name="groupBy" error={errors.groupBy} hint="Label keys: one alert per value set">
        <input name="groupBy" defaultValue={(values.groupBy ?? []).join(', ')} />
      </Field>
      <div className="toolbar">
        <Field label="Aggregation" name="aggregation" error={errors.aggregation}>
          <select name="aggregation" defaultValue={values.aggregation ?? 'AVG'}>
            {MetricAggregationValues.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </Field>
        <Field label="Window (s)" name="windowSeconds" error={errors.windowSeconds}>
          <input name="windowSeconds" inputMode="numeric" defaultValue={values.windowSeconds ?? 300} size={7} />
        </Field>
        <Field label="Operator" name="operator" error={errors.operator}>
          <select name="operator" defaultValue={values.operator}>
            {AlertOperatorValues.map((o) => (
              <option key={o} value={o}>
                {OPERATOR_TEXT[o]} ({o})
              </option>
            ))}
          </select>
        </Field>
        <Field label="Threshold" name="threshold" error={errors.threshold}>
          <input name="threshold" inputMode="decimal" defaultValue={values.threshold ?? ''} size={8} required />
        </Field>
      </div>
      <div className="toolbar">
        <Field label="Pending for (s)" name="pendingSeconds" error={errors.pendingSeconds}>
          <input name="pendingSeconds" inputMode="numeric" defaultValue={values.pendingSeconds ?? 0} size={7} />
        </Field>
        <Field label="Keep firing (s)" name="keepFiringSeconds" error={errors.keepFiringSeconds}>
          <input name="keepFiringSeconds" inputMode="numeric" defaultValue={values.keepFiringSeconds ?? 0} size={7} />
        </Field>
        <Field label="Repeat every (s)" name="repeatIntervalSeconds" error={errors.repeatIntervalSeconds} hint="0: never">
          <input name="repeatIntervalSeconds" inputMode="numeric" defaultValue={values.repeatIntervalSeconds ?? 3600} size={7} />
        </Field>
        <Field label="Severity" name="severity" error={errors.severity}>
          <select name="severity" defaultValue={values.severity ?? 'WARNING'}>
            {AlertSeverityValues.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </Field>
        <Field label="No data" name="noData" error={errors.noData}>
          <select name="noData" defaultValue={values.noData ?? 'OK'}>
            {AlertNoDataValues.map((n) => (
              <option key={n} value={n}>
                {humanize(n)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field label="Tenant id" name="tenantId" error={errors.tenantId} hint="Empty: a platform rule over every series">
        <input name="tenantId" defaultValue={values.tenantId ?? ''} size={38} />
      </Field>
      <label className="inline">
        <input type="checkbox" name="tenantVisible" defaultChecked={values.tenantVisible ?? false} /> The tenant may see its alerts
      </label>
      <label className="inline">
        <input type="checkbox" name="enabled" defaultChecked={values.enabled ?? true} /> Enabled
      </label>
      <fieldset data-field="channelIds">
        <legend>Channels</legend>
        {channels.length ? null : <span className="muted small">No channel yet.</span>}
        {channels.map((c) => (
          <label key={c.id} className="inline">
            <input type="checkbox" name="channelIds" value={c.id} defaultChecked={values.channelIds?.includes(c.id)} /> {c.name}{' '}
            <span className="muted small">
              {humanize(c.kind)}
              {c.enabled ? '' : ', disabled'}
            </span>
          </label>
        ))}
        {errors.channelIds ? <span className="field-error">{errors.channelIds}</span> : null}
      </fieldset>

      <section className="card" aria-label="Backtest" data-testid="backtest">
        <div className="toolbar">
          <label>
            Backtest over
            <select name="previewRange" defaultValue="24h">
              {Object.keys(RANGES).map((r) => (
                <option key={r} value={r}>
                  the last {r}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" name="intent" value="preview" disabled={Boolean(busy)}>
            {busy === 'preview' ? 'Replaying…' : 'Preview'}
          </button>
        </div>
        {preview ? (
          <div data-testid="backtest-result">
            <p>
              <strong data-testid="backtest-firings">
                Would have fired {formatCount(preview.firings)} {preview.firings === 1 ? 'time' : 'times'}
              </strong>{' '}
              <span className="muted small">
                in {formatCount(preview.evaluations)} evaluations every {preview.stepSeconds} s, {formatDateTime(preview.from)} – {formatDateTime(preview.to)}
              </span>
            </p>
            {preview.episodes.length ? (
              <ul className="timeline" data-testid="backtest-episodes">
                {preview.episodes.map((e, i) => (
                  <li key={i} data-testid="backtest-episode">
                    <code className="small">{formatLabels(e.labels) || 'all series'}</code> pending {formatDateTime(e.pendingAt, { seconds: true })}
                    {e.firedAt ? ` · fired ${formatDateTime(e.firedAt, { seconds: true })}` : ' · never fired'}
                    {e.resolvedAt ? ` · resolved ${formatDateTime(e.resolvedAt, { seconds: true })}` : e.firedAt ? ' · still firing' : ''}
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
      </section>

      <div className="form-actions">
        <button type="submit" name="intent" value="save" className="primary" disabled={Boolean(busy)}>
          {busy === 'save' ? 'Saving…' : submitLabel}
        </button>
      </div>
    </Form>
  );
}
