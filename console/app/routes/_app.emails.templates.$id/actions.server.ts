import { data, redirect, type ActionFunctionArgs } from '@remix-run/node';
import { graphql } from '../../gql/index.ts';
import { gql } from '../../graphql.server.ts';
import type { IntentResult } from '../../lib/intent.ts';

// The editor's two posts: `preview` (the live preview, nothing saved) and `save` (a new version).

export const TemplateProblems = graphql(`
  fragment TemplateProblems on TemplateError {
    message
    problems {
      field
      line
      column
      message
    }
  }
`);

const DraftPreview = graphql(`
  query EmailTemplateDraftPreview($input: EmailTemplateBodiesInput!) {
    emailTemplateDraftPreview(input: $input) {
      __typename
      ... on QueryEmailTemplateDraftPreviewSuccess {
        data {
          subject
          html
          text
        }
      }
      ... on TemplateError {
        ...TemplateProblems
      }
      ... on Error {
        message
      }
    }
  }
`);

const UpdateTemplate = graphql(`
  mutation UpdateEmailTemplate($id: ID!, $input: UpdateEmailTemplateInput!) {
    updateEmailTemplate(id: $id, input: $input) {
      __typename
      ... on TemplateError {
        ...TemplateProblems
      }
      ... on Error {
        message
      }
    }
  }
`);

type Problem = { field: string; line: number; column: number; message: string };
export type PreviewResult = IntentResult & { rendered?: { subject: string; html: string; text: string }; problems?: Problem[] };
export type SaveResult = IntentResult & { problems?: Problem[] };

function readBodies(form: FormData) {
  const raw = String(form.get('variables') ?? '[]').trim() || '[]';
  let variables: { name: string; sample?: unknown; description?: string }[];
  try {
    variables = JSON.parse(raw);
    if (!Array.isArray(variables)) throw new Error('not a list');
  } catch {
    return { error: 'Variables: not a JSON list of { name, sample, description }.' } as const;
  }
  return {
    input: {
      subject: String(form.get('subject') ?? ''),
      html: String(form.get('html') ?? ''),
      text: String(form.get('text') ?? ''),
      variables: variables.map((v) => ({ name: String(v.name ?? ''), sample: v.sample ?? null, description: v.description ?? '' })),
    },
  } as const;
}

export async function action(args: ActionFunctionArgs) {
  const id = args.params.id!;
  const form = await args.request.formData();
  const intent = String(form.get('intent'));
  const bodies = readBodies(form);
  if ('error' in bodies) return data({ intent, ok: false, formError: bodies.error }, { status: 400 });
  if (intent === 'preview') {
    const result = (await gql(args, DraftPreview, { input: bodies.input })).emailTemplateDraftPreview;
    if (result.__typename === 'QueryEmailTemplateDraftPreviewSuccess') return { intent, ok: true, rendered: result.data } satisfies PreviewResult;
    return { intent, ok: false, formError: result.__typename === 'TemplateError' ? null : result.message, problems: 'problems' in result ? result.problems : [] } satisfies PreviewResult;
  }
  if (intent === 'save') {
    const result = (await gql(args, UpdateTemplate, { id, input: bodies.input })).updateEmailTemplate;
    if (result.__typename === 'MutationUpdateEmailTemplateSuccess') return redirect(`/emails/templates/${id}`);
    return data(
      { intent, ok: false, formError: result.__typename === 'TemplateError' ? null : 'message' in result ? result.message : null, problems: 'problems' in result ? result.problems : [] } satisfies SaveResult,
      { status: 400 },
    );
  }
  return data({ intent, ok: false, formError: `Unknown action “${intent}”.` }, { status: 400 });
}
