import { Form, Link } from '@remix-run/react';
import { FlagDefinitionFields } from '../../components/flags/flag-definition-fields.tsx';
import { FlagValue } from '../../components/flags/flag-badges.tsx';
import { FormError } from '../../components/form.tsx';
import type { FlagType } from '../../gql/graphql.ts';
import { definitionValues } from '../../lib/flags.ts';
import { formatDateTime, formatRelative, humanize } from '../../lib/format.ts';
import { useIntent } from '../../lib/intent.ts';
import type { ActionResult } from './actions.server.ts';

type Flag = Parameters<typeof definitionValues>[0] & {
  id: string;
  type: FlagType;
  stale: boolean;
  lastEvaluatedAt?: string | null;
  createdAt: string;
  updatedAt: string;
};

/** The flag's definition as facts. */
export function DefinitionFacts({ flag }: { flag: Flag }) {
  return (
    <section className="card" aria-label="Definition" data-testid="flag-definition">
      <dl className="facts">
        <dt>Type</dt>
        <dd>
          {humanize(flag.type)}
          {flag.variants.length ? <span className="muted small"> · variants {flag.variants.join(', ')}</span> : null}
        </dd>
        <dt>Default value</dt>
        <dd data-testid="flag-default">
          <FlagValue value={flag.defaultValue} />
        </dd>
        <dt>On value</dt>
        <dd data-testid="flag-on">
          <FlagValue value={flag.onValue} />
        </dd>
        <dt>Owner</dt>
        <dd>{flag.owner || '—'}</dd>
        <dt>Tags</dt>
        <dd>
          {flag.tags.length
            ? flag.tags.map((t) => (
                <Link key={t} to={`/flags?tags=${encodeURIComponent(t)}`} className="filter-chip">
                  {t}
                </Link>
              ))
            : '—'}
        </dd>
        <dt>Entitlement</dt>
        <dd>{flag.entitlement ? <code>{flag.entitlement}</code> : '—'}</dd>
        {flag.type === 'JSON' ? (
          <>
            <dt>JSON schema</dt>
            <dd>{flag.jsonSchema ? <pre>{JSON.stringify(flag.jsonSchema, null, 2)}</pre> : 'Any JSON'}</dd>
          </>
        ) : null}
        <dt>Last evaluated</dt>
        <dd suppressHydrationWarning>
          {flag.lastEvaluatedAt ? formatRelative(flag.lastEvaluatedAt) : 'Never'}
          {flag.stale ? <span className="badge status-past_due">Stale</span> : null}
          <span className="muted small"> · stale after {flag.staleAfterDays} days without evaluations</span>
        </dd>
        <dt>Created</dt>
        <dd>{formatDateTime(flag.createdAt)}</dd>
        <dt>Updated</dt>
        <dd>{formatDateTime(flag.updatedAt)}</dd>
      </dl>
    </section>
  );
}

/** The edit form: posts the definition and what it was opened with, so only the changed fields are sent. */
export function EditDefinition({ flag, alertRules }: { flag: Flag; alertRules: { id: string; name: string }[] }) {
  const { busy, result } = useIntent<ActionResult>('definition');
  const original = definitionValues(flag);
  return (
    <Form method="post" className="plan-form flag-definition-form" noValidate data-testid="flag-definition-form">
      <input type="hidden" name="intent" value="definition" />
      <input type="hidden" name="original" value={JSON.stringify(original)} />
      <FormError message={result?.formError} />
      <FlagDefinitionFields type={flag.type} values={result?.values ?? original} errors={result?.fieldErrors ?? {}} alertRules={alertRules} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save definition'}
        </button>
        <Link to={`/flags/${flag.id}`}>Cancel</Link>
      </div>
    </Form>
  );
}
