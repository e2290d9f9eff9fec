import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { AlertRuleForm } from '../components/alert-rule-form.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { graphql } from '../gql/index.ts';
import { gql, notFound } from '../graphql.server.ts';
import { ruleFormAction, ruleFormChannels } from '../lib/alerts-rule.server.ts';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Edit ${data?.rule.name ?? 'rule'} · Opsgraph` }];

const RuleEditQuery = graphql(`
  query AlertRuleEdit($id: ID!) {
    alertRule(id: $id) {
      ...AlertRuleDefinition
    }
    metricNames(first: 200) {
      name
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const id = args.params.id!;
  const [result, channels] = await Promise.all([gql(args, RuleEditQuery, { id }), ruleFormChannels(args)]);
  if (!result.alertRule) throw notFound(args.context, `No alert rule with id ${id}.`);
  return { rule: result.alertRule, metricNames: result.metricNames.map((m) => m.name), channels };
}

export const action = (args: ActionFunctionArgs) => ruleFormAction(args, args.params.id!);

export default function EditAlertRule() {
  const { rule, metricNames, channels } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader parent={{ to: `/monitoring/rules/${rule.id}`, label: rule.name }} title={`Edit ${rule.name}`} />
      <AlertRuleForm values={rule} metricNames={metricNames} channels={channels} submitLabel="Save rule" />
    </>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/error-boundary.tsx';
