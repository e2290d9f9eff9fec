import { data, redirect, type ActionFunctionArgs } from '@remix-run/node';
import { graphql } from '../gql/index.ts';
import type { AlertRulePreviewQuery } from '../gql/graphql.ts';
import { gql } from '../graphql.server.ts';
import { RANGES, readRuleForm } from './alerts.ts';
import type { IntentResult } from './intent.ts';
import { outcome } from './mutation.ts';

// The rule form's action (new and edit): `preview` backtests the draft over a past range without saving,
// `save` creates or updates it.

const RuleChannels = graphql(`
  query AlertRuleFormChannels {
    alertChannels(first: 100) {
      edges {
        node {
          id
          name
          kind
          enabled
        }
      }
    }
  }
`);

const Preview = graphql(`
  query AlertRulePreview($input: AlertRuleInput!, $from: DateTime!, $to: DateTime!) {
    previewAlertRule(input: $input, from: $from, to: $to) {
      __typename
      ... on QueryPreviewAlertRuleSuccess {
        data {
          firings
          evaluations
          stepSeconds
          episodes {
            labels
            tenantId
            pendingAt
            firedAt
            resolvedAt
          }
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const Create = graphql(`
  mutation AlertRuleCreate($input: AlertRuleInput!) {
    createAlertRule(input: $input) {
      __typename
      ... on MutationCreateAlertRuleSuccess {
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

const Update = graphql(`
  mutation AlertRuleUpdate($id: ID!, $input: AlertRuleInput!) {
    updateAlertRule(id: $id, input: $input) {
      __typename
      ... on MutationUpdateAlertRuleSuccess {
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

export type PreviewData = Extract<AlertRulePreviewQuery['previewAlertRule'], { __typename: 'QueryPreviewAlertRuleSuccess' }>['data'];
export type RuleFormResult = IntentResult & { preview?: PreviewData & { from: string; to: string } };

export async function ruleFormChannels(args: { request: Request; context: ActionFunctionArgs['context'] }) {
  return (await gql(args, RuleChannels)).alertChannels.edges.map((e) => e.node);
}

export async function ruleFormAction(args: ActionFunctionArgs, ruleId: string | null) {
  const form = await args.request.formData();
  const intent = String(form.get('intent'));
  const fail = (fieldErrors: Record<string, string>, formError: string | null = null) =>
    data<RuleFormResult>({ intent, ok: false, formError, fieldErrors }, { status: 400 });
  const read = readRuleForm(form);
  if (!read.ok) return fail(read.fieldErrors, 'Check the highlighted fields.');
  if (intent === 'preview') {
    const span = RANGES[String(form.get('previewRange')) as keyof typeof RANGES] ?? RANGES['24h'];
    const to = new Date();
    const from = new Date(to.getTime() - span);
    const answer = (await gql(args, Preview, { input: read.input, from: from.toISOString(), to: to.toISOString() })).previewAlertRule;
    if (answer.__typename !== 'QueryPreviewAlertRuleSuccess') {
      // A backtest refused is the same field-level failure as a save refused.
      const result = outcome(answer as Parameters<typeof outcome>[0]);
      return fail(result.ok ? {} : result.fieldErrors, result.ok ? null : result.formError);
    }
    return data<RuleFormResult>({ intent, ok: true, preview: { ...answer.data, from: from.toISOString(), to: to.toISOString() } });
  }
  if (intent !== 'save') return fail({}, `Unknown action “${intent}”.`);
  const result = ruleId
    ? outcome((await gql(args, Update, { id: ruleId, input: read.input })).updateAlertRule)
    : outcome((await gql(args, Create, { input: read.input })).createAlertRule);
  if (!result.ok) return fail(result.fieldErrors, result.formError);
  return redirect(`/monitoring/rules/${result.data.id}`);
}
