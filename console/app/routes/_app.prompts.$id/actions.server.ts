import { data, redirect, type ActionFunctionArgs } from '@remix-run/node';
import { graphql } from '../../gql/index.ts';
import { gql } from '../../graphql.server.ts';
import type { IntentResult } from '../../lib/intent.ts';
import { outcome, type MutationResult } from '../../lib/mutation.ts';
import { readValues, readVersionForm, type TemplateProblem } from '../../lib/prompts.ts';

// The prompt page's posts, told apart by `intent`: `preview` (the editor's live preview, nothing saved),
// `version` (save a new version), `update` (metadata), `active`, `move` and `remove` (labels).

const PreviewDraft = graphql(`
  query PromptDraftPreview($template: String!, $variables: [PromptVariableInput!], $values: JSON) {
    previewPromptDraft(template: $template, variables: $variables, values: $values) {
      __typename
      ... on QueryPreviewPromptDraftSuccess {
        data {
          text
        }
      }
      ... on PromptTemplateError {
        problems {
          line
          column
          message
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

const CreateVersion = graphql(`
  mutation CreatePromptVersion($promptId: ID!, $input: PromptVersionInput!) {
    createPromptVersion(promptId: $promptId, input: $input) {
      __typename
      ... on MutationCreatePromptVersionSuccess {
        data {
          number
        }
      }
      ... on PromptTemplateError {
        problems {
          line
          column
          message
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const UpdatePrompt = graphql(`
  mutation UpdatePrompt($id: ID!, $input: UpdatePromptInput!) {
    updatePrompt(id: $id, input: $input) {
      __typename
      ... on MutationUpdatePromptSuccess {
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

const SetActive = graphql(`
  mutation SetPromptActive($id: ID!, $active: Boolean!) {
    setPromptActive(id: $id, active: $active) {
      __typename
      ... on MutationSetPromptActiveSuccess {
        data {
          active
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const MoveLabel = graphql(`
  mutation MovePromptLabel($promptId: ID!, $label: String!, $versionId: ID!, $tenantId: ID) {
    movePromptLabel(promptId: $promptId, label: $label, versionId: $versionId, tenantId: $tenantId) {
      __typename
      ... on MutationMovePromptLabelSuccess {
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

const RemoveLabel = graphql(`
  mutation RemovePromptLabel($promptId: ID!, $label: String!, $tenantId: ID) {
    removePromptLabel(promptId: $promptId, label: $label, tenantId: $tenantId) {
      __typename
      ... on MutationRemovePromptLabelSuccess {
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

export type PreviewResult = IntentResult & { text?: string; problems?: TemplateProblem[] };
export type SaveResult = IntentResult & { problems?: TemplateProblem[] };

function answer<T>(intent: string, result: MutationResult<T>) {
  const done = outcome(result);
  return done.ok ? ({ intent, ok: true } satisfies IntentResult) : data<IntentResult>({ intent, ...done }, { status: 400 });
}

const optional = (value: FormDataEntryValue | null) => (value === null || String(value) === '' ? null : String(value));

export async function action(args: ActionFunctionArgs) {
  const id = args.params.id!;
  const form = await args.request.formData();
  const intent = String(form.get('intent'));
  if (intent === 'preview' || intent === 'version') {
    const version = readVersionForm(form);
    if ('error' in version) return data<SaveResult>({ intent, ok: false, formError: null, fieldErrors: { [version.field]: version.error } }, { status: 400 });
    if (intent === 'preview') {
      const values = readValues(String(form.get('values') ?? ''));
      if (!values) return data<PreviewResult>({ intent, ok: false, formError: 'Preview values: not a JSON object.' }, { status: 400 });
      const result = (await gql(args, PreviewDraft, { template: version.input.template, variables: version.input.variables, values })).previewPromptDraft;
      if (result.__typename === 'QueryPreviewPromptDraftSuccess') return { intent, ok: true, text: result.data.text } satisfies PreviewResult;
      return { intent, ok: false, formError: result.__typename === 'PromptTemplateError' ? null : result.message, problems: 'problems' in result ? result.problems : [] } satisfies PreviewResult;
    }
    const labels = form.getAll('labels').map(String);
    const result = (await gql(args, CreateVersion, { promptId: id, input: { ...version.input, labels } })).createPromptVersion;
    if (result.__typename === 'PromptTemplateError') return data<SaveResult>({ intent, ok: false, problems: result.problems }, { status: 400 });
    if (result.__typename === 'MutationCreatePromptVersionSuccess') return redirect(`/prompts/${id}`);
    return answer(intent, result);
  }
  if (intent === 'update') {
    const input = {
      name: String(form.get('name') ?? ''),
      description: String(form.get('description') ?? ''),
      category: String(form.get('category') ?? ''),
      tags: String(form.get('tags') ?? '').split(',').map((t) => t.trim()).filter(Boolean),
    };
    return answer(intent, (await gql(args, UpdatePrompt, { id, input })).updatePrompt);
  }
  if (intent === 'active') {
    return answer(intent, (await gql(args, SetActive, { id, active: form.get('active') === 'true' })).setPromptActive);
  }
  if (intent === 'move') {
    const variables = { promptId: id, label: String(form.get('label') ?? ''), versionId: String(form.get('versionId') ?? ''), tenantId: optional(form.get('tenantId')) };
    return answer(intent, (await gql(args, MoveLabel, variables)).movePromptLabel);
  }
  if (intent === 'remove') {
    const variables = { promptId: id, label: String(form.get('label') ?? ''), tenantId: optional(form.get('tenantId')) };
    return answer(intent, (await gql(args, RemoveLabel, variables)).removePromptLabel);
  }
  return data<IntentResult>({ intent, ok: false, formError: `Unknown action “${intent}”.` }, { status: 400 });
}
