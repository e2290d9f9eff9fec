import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useLoaderData } from '@remix-run/react';
import { useSubscription } from 'urql';
import { BarChart, CHART_COLORS } from '../../components/charts.tsx';
import { FormError } from '../../components/form.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { graphql } from '../../gql/index.ts';
import { gql, notFound } from '../../graphql.server.ts';
import { isUuid } from '../../lib/ids.ts';
import { useIntent } from '../../lib/intent.ts';
import { countEvents } from '../../lib/live.ts';
import { daysBetween, usageByTenant, usageSeries } from '../../lib/prompts.ts';
import { useRevalidateOnEvents } from '../../lib/revalidate.ts';
import { RecordHistory } from '../_app.audit.$id/record-history.tsx';
import { useCan } from '../_app.tsx';
import { PromptEditor } from './editor.tsx';
import { GlobalLabels, TenantLabels } from './labels.tsx';
import { VersionHistory } from './versions.tsx';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.prompt.name ?? 'Prompt'} · Opsgraph` }];

const PromptQuery = graphql(`
  query PromptDetail($id: ID!, $from: DateTime!, $to: DateTime!, $history: AuditEventFilter!) {
    prompt(id: $id) {
      id
      key
      name
      description
      category
      tags
      active
      latestVersion
      versions {
        id
        number
        template
        changelog
        parameters
        createdAt
        author {
          email
        }
        variables {
          name
          type
          required
          description
          default
        }
      }
      labels {
        name
        versionId
        updatedAt
        version {
          number
        }
      }
      tenantLabels {
        name
        tenantId
        versionId
        updatedAt
        tenant {
          name
        }
        version {
          number
        }
      }
    }
    promptUsage(promptId: $id, from: $from, to: $to) {
      day
      versionNumber
      tenantId
      tenantName
      count
    }
    tenants(first: 100, sort: NAME_ASC) {
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

const DiffQuery = graphql(`
  query PromptVersionsDiff($fromId: ID!, $toId: ID!) {
    diffPromptVersions(fromId: $fromId, toId: $toId) {
      __typename
      ... on QueryDiffPromptVersionsSuccess {
        data {
          from {
            id
            number
          }
          to {
            id
            number
          }
          lines {
            kind
            text
          }
          variables {
            name
            before
            after
          }
          parameters {
            name
            before
            after
          }
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

const PromptChanged = graphql(`
  subscription PromptPageChanged($id: ID) {
    promptChanged(id: $id) {
      promptId
      kind
    }
  }
`);

const USAGE_DAYS = 30;

export async function loader(args: LoaderFunctionArgs) {
  const id = args.params.id!;
  const missing = () => notFound(args.context, `No prompt with id ${id}.`);
  if (!isUuid(id)) throw missing();
  const to = new Date();
  const from = new Date(to.getTime() - (USAGE_DAYS - 1) * 86_400_000);
  const result = await gql(args, PromptQuery, { id, from: from.toISOString(), to: to.toISOString(), history: { targetType: 'Prompt', targetId: id } });
  if (!result.prompt) throw missing();
  // The diff shown: the two versions asked for, else the latest against the one before it.
  const params = new URL(args.request.url).searchParams;
  const [newest, previous] = result.prompt.versions;
  const fromId = isUuid(params.get('from') ?? '') ? params.get('from')! : previous?.id;
  const toId = isUuid(params.get('to') ?? '') ? params.get('to')! : newest?.id;
  const compared = fromId && toId ? (await gql(args, DiffQuery, { fromId, toId })).diffPromptVersions : null;
  const diff = compared?.__typename === 'QueryDiffPromptVersionsSuccess' ? compared.data : null;
  return { ...result, prompt: result.prompt, days: daysBetween(from, to), diff };
}

export { action } from './actions.server.ts';

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
export type PromptData = LoaderData['prompt'];
export type PromptDiff = LoaderData['diff'];

const SERIES_COLORS = [CHART_COLORS.accent, CHART_COLORS.ok, '#b7791f', '#6b46c1', CHART_COLORS.danger];

export default function PromptPage() {
  const { prompt, promptUsage, tenants, auditEvents, days, diff } = useLoaderData<typeof loader>();
  const canWrite = useCan('PROMPTS_WRITE');
  const [changes] = useSubscription({ query: PromptChanged, variables: { id: prompt.id } }, countEvents);
  useRevalidateOnEvents(changes.data);
  const active = useIntent('active');
  const update = useIntent('update');
  const series = usageSeries(promptUsage, days);
  const total = promptUsage.reduce((sum, r) => sum + r.count, 0);

  return (
    <>
      <PageHeader
        parent={{ to: '/prompts', label: 'Prompts' }}
        title={prompt.name}
        sub={
          <>
            <code className="muted">{prompt.key}</code> · {prompt.category} · version {prompt.latestVersion} ·{' '}
            <span className="badge" data-testid="prompt-active">
              {prompt.active ? 'Active' : 'Inactive'}
            </span>
          </>
        }
      >
        {canWrite ? (
          <Form method="post">
            <input type="hidden" name="intent" value="active" />
            <input type="hidden" name="active" value={prompt.active ? 'false' : 'true'} />
            <button type="submit" disabled={active.busy}>
              {prompt.active ? 'Deactivate' : 'Activate'}
            </button>
          </Form>
        ) : null}
      </PageHeader>
      <FormError message={active.result?.formError} />

      <PromptEditor prompt={prompt} canWrite={canWrite} />

      <section className="card">
        <h2>Labels</h2>
        <GlobalLabels prompt={prompt} canWrite={canWrite} />
        <h3>Tenant labels</h3>
        <p className="muted small">A tenant's own label wins over the global label of the same name when that tenant renders.</p>
        <TenantLabels prompt={prompt} tenants={tenants.edges.map((e) => e.node)} canWrite={canWrite} />
      </section>

      <VersionHistory prompt={prompt} diff={diff} />

      <BarChart
        title={`Renders, last ${days.length} days`}
        summary={`${total} renders in the last ${days.length} days`}
        labels={days.map((d) => d.slice(5))}
        tooltipTitles={days}
        series={series.map((s, i) => ({ label: `v${s.version}`, data: s.data, color: SERIES_COLORS[i % SERIES_COLORS.length]! }))}
        stacked
        testId="prompt-usage"
      />
      {promptUsage.length ? (
        <section className="card">
          <h2>Renders by tenant</h2>
          <table>
            <thead>
              <tr>
                <th>Tenant</th>
                <th>Version</th>
                <th className="num">Renders</th>
              </tr>
            </thead>
            <tbody>
              {usageByTenant(promptUsage).map((u) => (
                <tr key={`${u.tenantId}:${u.versionNumber}`} data-testid="usage-row">
                  <td>{u.tenantName}</td>
                  <td>v{u.versionNumber}</td>
                  <td className="num">{u.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      <section className="card">
        <h2>Details</h2>
        <Form method="post" className="form" noValidate>
          <input type="hidden" name="intent" value="update" />
          <FormError message={update.result?.formError} />
          <label>
            Name
            <input name="name" defaultValue={prompt.name} readOnly={!canWrite} />
          </label>
          <label>
            Category
            <input name="category" defaultValue={prompt.category} readOnly={!canWrite} />
          </label>
          <label>
            Tags
            <input name="tags" defaultValue={prompt.tags.join(', ')} readOnly={!canWrite} />
          </label>
          <label>
            Description
            <textarea name="description" rows={2} defaultValue={prompt.description} readOnly={!canWrite} />
          </label>
          {Object.entries(update.result?.fieldErrors ?? {}).map(([field, message]) => (
            <p key={field} className="form-error">
              {field}: {message}
            </p>
          ))}
          {canWrite ? (
            <div className="form-actions">
              <button type="submit" disabled={update.busy}>
                Save details
              </button>
            </div>
          ) : null}
        </Form>
      </section>

      <RecordHistory events={auditEvents.edges.map((e) => e.node)} totalCount={auditEvents.totalCount} auditHref={`/audit?targetId=${prompt.id}`} />
    </>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../../components/error-boundary.tsx';
