import { Form, useNavigation, useSearchParams } from '@remix-run/react';
import { FlagValue, ReasonBadge } from '../../components/flags/flag-badges.tsx';
import { Field, FormError } from '../../components/form.tsx';
import { humanize } from '../../lib/format.ts';
import { ruleSummary } from '../../lib/flags.ts';
import { TenantSelect } from './overrides.tsx';
import type { FlagConstraintOperator } from '../../gql/graphql.ts';

export type Explanation = {
  value: unknown;
  reason: string;
  ruleId?: string | null;
  bucket?: number | null;
  pausedBy: readonly string[];
  trace: readonly { step: string; ruleId?: string | null; matched: boolean; detail: string }[];
};

type Rule = { id: string; description?: string | null; constraints: { attribute: string; operator: FlagConstraintOperator; values: string[] }[] };

/**
 * "Evaluate as": what the flag gives one tenant (and user, and attributes) right now, and why, step by step.
 * The question sits in the page's URL, so the answer is asked again whenever the page's data reloads: after
 * each change made here, and live when someone else changes the flag.
 */
export function EvaluateAs({
  tenants,
  rules,
  safeguardRules,
  explanation,
  error,
}: {
  tenants: { id: string; name: string }[];
  rules: readonly Rule[];
  safeguardRules: readonly { id: string; name: string }[];
  explanation: Explanation | null;
  error: { field: string; message: string } | null;
}) {
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const asking = navigation.state === 'loading' && navigation.location?.search.includes('as=');
  const ruleIndex = explanation?.ruleId ? rules.findIndex((r) => r.id === explanation.ruleId) : -1;
  const ruleName = (id: string | null | undefined) => {
    const i = rules.findIndex((r) => r.id === id);
    return i < 0 ? 'a rule' : `Rule ${i + 1}`;
  };
  return (
    <section className="card" aria-label="Evaluate as" data-testid="evaluate-as">
      <h2>Evaluate as</h2>
      <Form method="get" preventScrollReset className="filters" noValidate>
        {params.get('days') ? <input type="hidden" name="days" value={params.get('days')!} /> : null}
        <TenantSelect
          tenants={tenants}
          name="as"
          defaultValue={params.get('as') ?? ''}
          testId="evaluate-tenant"
          error={error?.field === 'tenantId' ? error.message : null}
        />
        <Field label="User id (optional)" name="user" error={error?.field === 'userId' ? error.message : null}>
          <input name="user" defaultValue={params.get('user') ?? ''} maxLength={200} />
        </Field>
        <Field label="Attributes (JSON, optional)" name="attributes" error={error?.field === 'attributes' ? error.message : null}>
          <textarea name="attributes" defaultValue={params.get('attributes') ?? ''} rows={1} className="mono" placeholder='{"country": "FR"}' spellCheck={false} />
        </Field>
        <button type="submit" disabled={asking}>
          {asking ? 'Evaluating…' : 'Evaluate'}
        </button>
      </Form>
      <FormError message={error && !['tenantId', 'userId', 'attributes'].includes(error.field) ? error.message : null} />
      {explanation ? (
        <div data-testid="explanation">
          <p className="toolbar">
            <span>
              Serves <FlagValue value={explanation.value} />
            </span>
            <ReasonBadge reason={explanation.reason} />
            {ruleIndex >= 0 ? (
              <span data-testid="explanation-rule">
                Rule {ruleIndex + 1}: {ruleSummary(rules[ruleIndex]!)}
              </span>
            ) : null}
            {explanation.bucket !== null && explanation.bucket !== undefined ? <span className="muted small" data-testid="explanation-bucket">
                bucket {explanation.bucket} of 10,000
              </span> : null}
            {explanation.pausedBy.length ? (
              <span className="muted small">paused by {explanation.pausedBy.map((id) => safeguardRules.find((r) => r.id === id)?.name ?? id).join(', ')}</span>
            ) : null}
          </p>
          <ol className="timeline flag-trace" data-testid="explanation-trace">
            {explanation.trace.map((step, i) => (
              <li key={i} data-testid="trace-step" data-step={step.step} data-matched={step.matched}>
                <strong>{step.matched ? '✓' : '·'}</strong> {step.step === 'RULE' ? ruleName(step.ruleId) : humanize(step.step)}: <span className="small">{step.detail}</span>
              </li>
            ))}
          </ol>
        </div>
      ) : params.get('as') ? null : (
        <p className="muted small">Choose a tenant to see what the flag gives it and why.</p>
      )}
    </section>
  );
}
