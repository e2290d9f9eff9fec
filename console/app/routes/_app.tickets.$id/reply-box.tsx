import { Form } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import { Field, FormError } from '../../components/form.tsx';
import { useIntent } from '../../lib/intent.ts';
import { formatBytes } from './ticket-text.ts';

/**
 * The reply form: a public reply (emailed to the requester; the first one is the first response) or, with
 * the switch on, an internal note only admins see. Files go up through the console's server with it.
 */
export function ReplyBox({ attachmentMaxBytes }: { attachmentMaxBytes: number }) {
  const { busy, result, done } = useIntent('reply');
  const [internal, setInternal] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (done) {
      form.current?.reset();
      setInternal(false);
    }
  }, [done]);
  return (
    <Form method="post" encType="multipart/form-data" ref={form} className={`card reply-box${internal ? ' comment-internal' : ''}`} aria-label="Reply" data-testid="reply-box">
      <input type="hidden" name="intent" value="reply" />
      <h2>{internal ? 'Internal note' : 'Reply to the requester'}</h2>
      <FormError message={result?.formError} />
      <Field label={internal ? 'Note (Markdown; only admins see it)' : 'Reply (Markdown; emailed to the requester)'} name="body" error={result?.fieldErrors?.body}>
        <textarea name="body" rows={6} required />
      </Field>
      <Field label="Attachments" name="attachments" error={result?.fieldErrors?.attachments} hint={`Up to ${formatBytes(attachmentMaxBytes)} each.`}>
        <input type="file" name="attachments" multiple />
      </Field>
      <div className="form-actions">
        <label className="inline">
          <input type="checkbox" name="internal" checked={internal} onChange={(e) => setInternal(e.target.checked)} role="switch" aria-checked={internal} />
          Internal note
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Sending…' : internal ? 'Add note' : 'Send reply'}
        </button>
        {done ? (
          <span className="muted" role="status">
            {result?.ok ? 'Sent.' : ''}
          </span>
        ) : null}
      </div>
    </Form>
  );
}
