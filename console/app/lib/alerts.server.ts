import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import type { MetricSeriesQueryVariables } from '../gql/graphql.ts';
import { graphql } from '../gql/index.ts';
import { gql } from '../graphql.server.ts';
import type { IntentResult } from './intent.ts';
import { readRowIntent } from './intent.server.ts';
import { isoDate } from './list.ts';
import { outcome } from './mutation.ts';

// The actions the monitoring screens share, posted as `<kind>-<id>`: acknowledge or resolve an alert,
// silence, unsilence, enable or disable a rule.

const Acknowledge = graphql(`
  mutation AlertAcknowledge($id: ID!, $note: String) {
    acknowledgeAlert(id: $id, note: $note) {
      __typename
      ... on MutationAcknowledgeAlertSuccess {
        data {
          id
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const Resolve = graphql(`
  mutation AlertResolve($id: ID!, $note: String) {
    resolveAlert(id: $id, note: $note) {
      __typename
      ... on MutationResolveAlertSuccess {
        data {
          id
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const Silence = graphql(`
  mutation AlertRuleSilence($id: ID!, $until: DateTime!) {
    silenceAlertRule(id: $id, until: $until) {
      __typename
      ... on MutationSilenceAlertRuleSuccess {
        data {
          id
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const Unsilence = graphql(`
  mutation AlertRuleUnsilence($id: ID!) {
    unsilenceAlertRule(id: $id) {
      __typename
      ... on MutationUnsilenceAlertRuleSuccess {
        data {
          id
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const SetEnabled = graphql(`
  mutation AlertRuleSetEnabled($id: ID!, $enabled: Boolean!) {
    setAlertRuleEnabled(id: $id, enabled: $enabled) {
      __typename
      ... on MutationSetAlertRuleEnabledSuccess {
        data {
          id
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

/** Answers one of the shared monitoring intents; `null` when the intent is none of them. */
export async function alertIntentAction(args: ActionFunctionArgs, read: Awaited<ReturnType<typeof readRowIntent>>) {
  const { form, intent, kind, id, fail, refused } = read;
  if (refused) return refused;
  const note = String(form.get('note') ?? '').trim() || null;
  let result: ReturnType<typeof outcome<unknown>>;
  switch (kind) {
    case 'ack':
      result = outcome((await gql(args, Acknowledge, { id, note })).acknowledgeAlert);
      break;
    case 'resolve':
      result = outcome((await gql(args, Resolve, { id, note })).resolveAlert);
      break;
    case 'silence': {
      const until = isoDate(String(form.get('until') ?? ''));
      if (!until) return fail({ until: 'Give the time the silence ends (UTC).' });
      result = outcome((await gql(args, Silence, { id, until })).silenceAlertRule);
      break;
    }
    case 'unsilence':
      result = outcome((await gql(args, Unsilence, { id })).unsilenceAlertRule);
      break;
    case 'enable':
    case 'disable':
      result = outcome((await gql(args, SetEnabled, { id, enabled: kind === 'enable' })).setAlertRuleEnabled);
      break;
    default:
      return null;
  }
  if (!result.ok) return fail(result.fieldErrors, result.formError);
  return data<IntentResult>({ intent, ok: true });
}

/** A page's action that takes only the shared intents. */
export async function alertActions(args: ActionFunctionArgs) {
  const read = await readRowIntent(args.request);
  return (await alertIntentAction(args, read)) ?? read.fail({}, `Unknown action “${read.intent}”.`);
}

const MetricSeriesQuery = graphql(`
  query MetricSeries($name: String!, $from: DateTime!, $to: DateTime!, $aggregation: MetricAggregation!, $labels: JSON, $groupBy: [String!]) {
    metricSeries(name: $name, from: $from, to: $to, aggregation: $aggregation, labels: $labels, groupBy: $groupBy) {
      labels
      tenantId
      points {
        at
        value
      }
    }
  }
`);

/** The series a metric chart draws (the monitoring page's and a rule's). */
export async function loadMetricSeries(args: LoaderFunctionArgs, variables: MetricSeriesQueryVariables) {
  return (await gql(args, MetricSeriesQuery, variables)).metricSeries;
}
