import { Form, useFetcher } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import { FormError } from '../../components/form.tsx';
import { useIntent } from '../../lib/intent.ts';
import { sampleValues, variablesText, type TemplateProblem } from '../../lib/prompts.ts';
import type { PreviewResult, SaveResult } from './actions.server.ts';
import type { PromptData } from './route.tsx';

function Problems({ problems, testId }: { problems?: TemplateProblem[]; testId: string }) {
  if (!problems?.length) return null;
  return (
    <ul className="form-error" data-testid={testId}>
      {problems.map((p, i) => (
        <li key={i}>
          line {p.line}, column {p.column}: {p.message}
        </li>
      ))}
    </ul>
  );
}

type Draft = { template: string; variables: string; parameters: string; changelog: string; values: string };

/** The editor: a new version from the latest one's fields, with the preview rendered as you type. */
export function PromptEditor({ prompt, canWrite }: { prompt: PromptData; canWrite: boolean }) {
  const latest = prompt.versions[0]!;
  const initial: Draft = {
    template: latest.template,
    variables: variablesText(latest.variables),
    parameters: JSON.stringify(latest.parameters, null, 2),
    changelog: '',
    values: JSON.stringify(sampleValues(latest.variables), null, 2),
  };
  const [draft, setDraft] = useState(initial);
  const preview = useFetcher<PreviewResult>();
  const { busy, result } = useIntent<SaveResult>('version');
  const timer = useRef<ReturnType<typeof setTimeout>>();

  useEffect(() => setDraft(initial), [latest.id]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => preview.submit({ intent: 'preview', ...draft }, { method: 'post' }), 250);
    return () => clearTimeout(timer.current);
  }, [draft.template, draft.variables, draft.values]); // eslint-disable-line react-hooks/exhaustive-deps

  const field = (name: keyof Draft) => ({
    name,
    value: draft[name],
    onChange: (e: { currentTarget: { value: string } }) => setDraft({ ...draft, [name]: e.currentTarget.value }),
  });
  const errors = result?.fieldErrors ?? {};

  return (
    <section className="template-editor">
      <Form method="post" className="card" noValidate>
        <h2>{canWrite ? `New version (after v${latest.number})` : `Version ${latest.number}`}</h2>
        <input type="hidden" name="intent" value="version" />
        <FormError message={result?.formError} />
        <Problems problems={result?.problems} testId="template-problems" />
        <label>
          Template
          <textarea {...field('template')} rows={8} className="mono" readOnly={!canWrite} />
        </label>
        <label>
          Variables (JSON: name, type, required, description, default)
          <textarea {...field('variables')} rows={6} className="mono" readOnly={!canWrite} />
        </label>
        <label>
          Model parameters (JSON)
          <textarea {...field('parameters')} rows={3} className="mono" readOnly={!canWrite} />
        </label>
        {Object.entries(errors).map(([name, message]) => (
          <p key={name} className="form-error">
            {name}: {message}
          </p>
        ))}
        {canWrite ? (
          <>
            <label>
              Changelog
              <input {...field('changelog')} placeholder="What changed and why" />
            </label>
            <fieldset className="toolbar">
              <legend>Move to the new version</legend>
              {['production', 'staging'].map((label) => (
                <label key={label} className="inline">
                  <input type="checkbox" name="labels" value={label} /> {label}
                </label>
              ))}
            </fieldset>
            <div className="form-actions">
              <button type="submit" className="primary" disabled={busy}>
                {busy ? 'Saving…' : 'Save as new version'}
              </button>
            </div>
          </>
        ) : null}
      </Form>
      <div className="card">
        <h2>Preview</h2>
        <label>
          Values (JSON)
          <textarea {...field('values')} rows={4} className="mono" data-testid="preview-values" />
        </label>
        <Problems problems={preview.data?.problems} testId="preview-problems" />
        {preview.data?.formError ? (
          <p className="form-error" data-testid="preview-error">
            {preview.data.formError}
          </p>
        ) : null}
        <pre className="prompt-preview" data-testid="preview-text">
          {preview.data?.text ?? ''}
        </pre>
      </div>
    </section>
  );
}
