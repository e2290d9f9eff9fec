import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { AlertRuleForm } from '../components/alert-rule-form.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { graphql } from '../gql/index.ts';
import { gql } from '../graphql.server.ts';
import { ruleDefaults } from '../lib/alerts.ts';
import { ruleFormAction, ruleFormChannels } from '../lib/alerts-rule.server.ts';

export const meta: MetaFunction = () => [{ title: 'New alert rule · Opsgraph' }];

const MetricNamesQuery = graphql(`
  query AlertRuleFormMetrics {
    metricNames(first: 200) {
      name
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const [{ metricNames }, channels] = await Promise.all([gql(args, MetricNamesQuery), ruleFormChannels(args)]);
  return { metricNames: metricNames.map((m) => m.name), channels, defaults: ruleDefaults(new URL(args.request.url).searchParams) };
}

export const action = (args: ActionFunctionArgs) => ruleFormAction(args, null);

export default function NewAlertRule() {
  const { metricNames, channels, defaults } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader parent={{ to: '/monitoring/rules', label: 'Alert rules' }} title="New alert rule" />
      <AlertRuleForm values={defaults} metricNames={metricNames} channels={channels} submitLabel="Create rule" />
    </>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/error-boundary.tsx';
