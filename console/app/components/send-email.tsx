import { Link } from '@remix-run/react';
import { useState } from 'react';
import { graphql } from '../gql/index.ts';
import type { SendEmailTemplatesFragment } from '../gql/graphql.ts';
import { useIntent, type IntentResult } from '../lib/intent.ts';
import { variableField } from '../lib/send-email.ts';
import { IntentDialog } from './dialog.tsx';
import { Field } from './form.tsx';

/** The templates the dialog offers, with the latest version's declared variables; spread into `emailTemplates`. */
export const SendEmailTemplatesDocument = graphql(`
  fragment SendEmailTemplates on EmailTemplate {
    key
    name
    transactionalRequired
    versions(first: 1) {
      version
      variables {
        name
        sample
        description
      }
    }
  }
`);

export type SendEmailResult = IntentResult & { emailId?: string };

/**
 * "Send email": a template, then one field per variable it declares (its sample as the placeholder). Posts
 * the `sendEmail` intent; the page's action sends it and answers with the new email's id.
 */
export function SendEmailButton({ templates, recipient }: { templates: SendEmailTemplatesFragment[]; recipient: string }) {
  const [key, setKey] = useState(templates[0]?.key ?? '');
  const { result } = useIntent<SendEmailResult>('sendEmail');
  const template = templates.find((t) => t.key === key);
  const variables = template?.versions[0]?.variables ?? [];
  return (
    <>
      <IntentDialog intent="sendEmail" label="Send email" title={`Send an email to ${recipient}`} submitLabel="Send" busyLabel="Sending…" canSubmit={Boolean(template)}>
        {(r) => (
          <>
            {templates.length ? null : (
              <p className="muted">
                No templates yet: <Link to="/emails/templates/new">create one</Link>.
              </p>
            )}
            <Field label="Template" name="template" error={r?.fieldErrors?.template}>
              <select name="template" value={key} onChange={(e) => setKey(e.target.value)}>
                {templates.map((t) => (
                  <option key={t.key} value={t.key}>
                    {t.name} ({t.key}){t.transactionalRequired ? ' · transactional' : ''}
                  </option>
                ))}
              </select>
            </Field>
            {variables.map((v) => {
              const field = variableField(v);
              return (
                <Field
                  key={`${key}.${v.name}`}
                  label={field.json ? `${v.name} (JSON)` : v.name}
                  name={field.name}
                  hint={v.description || undefined}
                  error={r?.fieldErrors?.[`variables.${v.name}`]}
                >
                  <input name={field.name} placeholder={field.placeholder} />
                </Field>
              );
            })}
          </>
        )}
      </IntentDialog>
      {result?.ok && result.emailId ? (
        <Link to={`/emails/${result.emailId}`} className="muted" data-testid="sent-email-link">
          Email queued: view it
        </Link>
      ) : null}
    </>
  );
}
