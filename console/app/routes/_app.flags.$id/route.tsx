import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useSubscription } from 'urql';
import { FlagEnabledBadge } from '../../components/flags/flag-badges.tsx';
import { SafeguardChoicesQuery } from '../../components/flags/flag-definition-fields.tsx';
import { FormError } from '../../components/form.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { graphql } from '../../gql/index.ts';
import { gql, notFound } from '../../graphql.server.ts';
import { requirePermission } from '../../lib/admin-access.server.ts';
import { chartSpan, parseAttributes, readChartDays } from '../../lib/flags.ts';
import { humanize } from '../../lib/format.ts';
import { isUuid } from '../../lib/ids.ts';
import { useIntent } from '../../lib/intent.ts';
import { countEvents } from '../../lib/live.ts';
import { useRevalidateOnEvents } from '../../lib/revalidate.ts';
import { RecordHistory } from '../_app.audit.$id/record-history.tsx';
import { useCan } from '../_app.tsx';
import { DefinitionFacts, EditDefinition } from './definition.tsx';
import { EvaluateAs, type Explanation } from './evaluate-as.tsx';
import { EvaluationChart } from './evaluation-chart.tsx';
import { DeleteFlagButton, KillSwitch } from './flag-actions.tsx';
import { Overrides } from './overrides.tsx';
import { RolloutSlider } from './rollout.tsx';
import { RulesEditor } from './rules-editor.tsx';
import { SafeguardStatus } from './safeguard.tsx';
import { ScheduledChanges } from './scheduled-changes.tsx';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.flag.key ?? 'Flag'} · Opsgraph` }];

const FlagQuery = graphql(`
  query FlagDetail($id: ID!, $history: AuditEventFilter!, $from: DateTime!, $to: DateTime!) {
    flag(id: $id) {
      id
      key
      description
      type
      variants
      jsonSchema
      defaultValue
      onValue
      enabled
      owner
      tags
      rules {
        id
        description
        constraints {
          attribute
          operator
          values
        }
        value
        rollout {
          percentage
          stickiness
        }
      }
      rollout {
        percentage
        stickiness
      }
      entitlement
      safeguardRules {
        id
        name
      }
      safeguardPauses {
        tenant {
          id
          name
        }
        alertRule {
          id
          name
        }
        since
      }
      staleAfterDays
      stale
      lastEvaluatedAt
      evaluationCounts(from: $from, to: $to) {
        day
        count
      }
      tenantOverrides {
        tenant {
          id
          name
        }
        value
      }
      userOverrides {
        tenant {
          id
          name
        }
        externalUserId
        value
      }
      scheduledChanges {
        id
        kind
        percentage
        stickiness
        runAt
        status
        error
      }
      createdAt
      updatedAt
    }
    tenants(first: 200, sort: NAME_ASC) {
      edges {
        node {
          id
          name
        }
      }
    }
    auditEvents(filter: $history, first: 25) {
      totalCount
      edges {
        node {
          ...HistoryEntry
        }
      }
    }
  }
`);

const ExplainQuery = graphql(`
  query FlagExplain($key: String!, $tenantId: ID!, $context: FlagContextInput) {
    explainFlag(key: $key, tenantId: $tenantId, context: $context) {
      value
      reason
      ruleId
      bucket
      pausedBy
      trace {
        step
        ruleId
        matched
        detail
      }
    }
  }
`);

const FlagChanged = graphql(`
  subscription FlagDetailChanged($id: ID!) {
    flagChanged(id: $id) {
      flagId
      kind
    }
  }
`);

/** The evaluate-as question from the URL (`?as=<tenant>&user=…&attributes=…`), answered by the API. */
async function explain(args: LoaderFunctionArgs, key: string, params: URLSearchParams): Promise<{ explanation: Explanation | null; error: { field: string; message: string } | null }> {
  const tenantId = params.get('as')?.trim() ?? '';
  if (!tenantId) return { explanation: null, error: null };
  if (!isUuid(tenantId)) return { explanation: null, error: { field: 'tenantId', message: 'Choose a tenant.' } };
  const attributes = parseAttributes(params.get('attributes') ?? '');
  if (!attributes.ok) return { explanation: null, error: { field: 'attributes', message: attributes.error } };
  const userId = params.get('user')?.trim() || null;
  try {
    const { explainFlag } = await gql(args, ExplainQuery, { key, tenantId, context: { userId, attributes: attributes.attributes } });
    return { explanation: explainFlag, error: null };
  } catch (err) {
    const message = refusal(err);
    if (message === null) throw err;
    return { explanation: null, error: { field: 'context', message } };
  }
}

/**
 * The API's refusal of the question (a tenant that does not exist, a context it cannot read), which the box
 * shows instead of the page turning into an error page; anything else is still the error page.
 */
function refusal(err: unknown): string | null {
  const answer = err as { type?: string; data?: { message?: unknown }; init?: { status?: number } | null } | null;
  if (answer?.type !== 'DataWithResponseInit') return null;
  const status = answer.init?.status;
  return (status === 400 || status === 404) && typeof answer.data?.message === 'string' ? answer.data.message : null;
}

export async function loader(args: LoaderFunctionArgs) {
  const id = args.params.id!;
  const missing = () => notFound(args.context, `No flag with id ${id}.`);
  if (!isUuid(id)) throw missing();
  const params = new URL(args.request.url).searchParams;
  const editing = params.has('edit');
  if (editing) await requirePermission(args, 'FLAGS_WRITE', 'Your role cannot edit flags.');
  const days = readChartDays(params);
  const span = chartSpan(days, Date.now());
  const [result, choices] = await Promise.all([
    gql(args, FlagQuery, { id, history: { targetType: 'Flag', targetId: id }, ...span }),
    editing ? gql(args, SafeguardChoicesQuery) : null,
  ]);
  if (!result.flag) throw missing();
  const { explanation, error } = await explain(args, result.flag.key, params);
  return {
    flag: result.flag,
    tenants: result.tenants.edges.map((e) => e.node),
    auditEvents: result.auditEvents,
    alertRules: choices?.alertRules.edges.map((e) => e.node) ?? [],
    editing,
    days,
    span,
    explanation,
    explainError: error,
  };
}

export { action } from './actions.server.ts';

export default function FlagDetail() {
  const { flag, tenants, auditEvents, alertRules, editing, days, span, explanation, explainError } = useLoaderData<typeof loader>();
  const canWrite = useCan('FLAGS_WRITE');
  const toggle = useIntent(flag.enabled ? 'disable' : 'enable');
  const [changes] = useSubscription({ query: FlagChanged, variables: { id: flag.id } }, countEvents);
  useRevalidateOnEvents(changes.data);

  return (
    <>
      <PageHeader
        parent={{ to: '/flags', label: 'Feature flags' }}
        title={
          <>
            <code>{flag.key}</code> <FlagEnabledBadge enabled={flag.enabled} />
          </>
        }
        sub={
          <span className="muted">
            {humanize(flag.type)}
            {flag.description ? ` · ${flag.description}` : ''}
          </span>
        }
      >
        {canWrite && !editing ? (
          <div className="actions" data-testid="flag-actions">
            <Link className="button" to="?edit=1">
              Edit definition
            </Link>
            <KillSwitch flag={flag} />
            <DeleteFlagButton flagKey={flag.key} />
          </div>
        ) : null}
      </PageHeader>
      <FormError message={toggle.result?.formError} />
      {flag.enabled ? null : (
        <p className="notice" data-testid="flag-off">
          The flag is off: everyone gets its default value, overrides included.
        </p>
      )}

      {editing && canWrite ? <EditDefinition flag={flag} alertRules={alertRules} /> : null}
      <div className="system-columns">
        {editing && canWrite ? null : <DefinitionFacts flag={flag} />}
        <EvaluateAs tenants={tenants} rules={flag.rules} safeguardRules={flag.safeguardRules} explanation={explanation} error={explainError} />
      </div>

      <RolloutSlider rollout={flag.rollout} onValue={flag.onValue} canWrite={canWrite} />

      <RulesEditor flag={flag} canWrite={canWrite} />

      <Overrides flag={flag} tenants={tenants} canWrite={canWrite} />

      <SafeguardStatus flagId={flag.id} rules={flag.safeguardRules} pauses={flag.safeguardPauses} canWrite={canWrite} />

      <ScheduledChanges changes={flag.scheduledChanges} canWrite={canWrite} />

      <EvaluationChart span={span} days={days} counts={flag.evaluationCounts} />

      <RecordHistory events={auditEvents.edges.map((e) => e.node)} totalCount={auditEvents.totalCount} auditHref={`/audit?targetId=${flag.id}`} />
    </>
  );
}

// Errors show inside the shell, the sidebar still usable.
export { RouteErrorBoundary as ErrorBoundary } from '../../components/error-boundary.tsx';
