import { data, redirect, type ActionFunctionArgs } from '@remix-run/node';
import { graphql } from '../../gql/index.ts';
import { gql } from '../../graphql.server.ts';
import type { IntentResult } from '../../lib/intent.ts';
import { outcome, type FormErrors } from '../../lib/mutation.ts';
import { changedPlanFields, originalPlanInput, parsePlanValues, planFieldErrors, readPlanValues, type PlanFormValues } from './plan-form.ts';

// The plan page's forms: the edit form (`update`) sends only what changed; archive, unarchive and delete.

const UpdatePlan = graphql(`
  mutation UpdatePlan($id: ID!, $input: UpdatePlanInput!) {
    updatePlan(id: $id, input: $input) {
      __typename
      ... on MutationUpdatePlanSuccess {
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

const ArchivePlan = graphql(`
  mutation ArchivePlan($id: ID!) {
    archivePlan(id: $id) {
      __typename
      ... on MutationArchivePlanSuccess {
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

const UnarchivePlan = graphql(`
  mutation UnarchivePlan($id: ID!) {
    unarchivePlan(id: $id) {
      __typename
      ... on MutationUnarchivePlanSuccess {
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

const DeletePlan = graphql(`
  mutation DeletePlan($id: ID!) {
    deletePlan(id: $id) {
      __typename
      ... on MutationDeletePlanSuccess {
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

export type ActionResult = IntentResult & { values?: PlanFormValues };

export async function action(args: ActionFunctionArgs) {
  const id = args.params.id!;
  const form = await args.request.formData();
  const intent = String(form.get('intent'));
  const fail = (errors: FormErrors, values?: PlanFormValues) =>
    data<ActionResult>({ intent, ok: false, ...errors, values }, { status: 400 });

  switch (intent) {
    case 'update': {
      const values = readPlanValues(form);
      const parsed = parsePlanValues(values);
      if (!parsed.ok) return fail({ formError: null, fieldErrors: parsed.fieldErrors }, values);
      const original = originalPlanInput(String(form.get('original') ?? ''));
      const input = original ? changedPlanFields(original, parsed.input) : parsed.input;
      if (Object.keys(input).length) {
        const result = outcome((await gql(args, UpdatePlan, { id, input })).updatePlan);
        if (!result.ok) return fail(planFieldErrors(result, parsed.input.entitlements), values);
      }
      return redirect(`/plans/${id}`);
    }
    case 'archive':
    case 'unarchive': {
      const response =
        intent === 'archive' ? (await gql(args, ArchivePlan, { id })).archivePlan : (await gql(args, UnarchivePlan, { id })).unarchivePlan;
      const result = outcome(response);
      if (!result.ok) return fail(planFieldErrors(result, []));
      return { intent, ok: true } satisfies ActionResult;
    }
    case 'delete': {
      const result = outcome((await gql(args, DeletePlan, { id })).deletePlan);
      if (!result.ok) return fail(planFieldErrors(result, []));
      return redirect('/plans');
    }
    default:
      return fail({ formError: `Unknown action “${intent}”.`, fieldErrors: {} });
  }
}

