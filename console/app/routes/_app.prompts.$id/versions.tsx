import { Form, Link } from '@remix-run/react';
import { formatDateTime } from '../../lib/format.ts';
import type { PromptDiff, PromptData } from './route.tsx';

const json = (value: unknown) => (value === null || value === undefined ? '—' : JSON.stringify(value));

/** Every version, newest first, and the diff between the two chosen (by default the latest against the one before). */
export function VersionHistory({ prompt, diff }: { prompt: PromptData; diff: PromptDiff }) {
  const latest = prompt.versions[0]!;
  return (
    <section className="card">
      <h2>Versions</h2>
      <table>
        <thead>
          <tr>
            <th>Version</th>
            <th>Labels</th>
            <th>Changelog</th>
            <th>Saved</th>
            <th>By</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {prompt.versions.map((v) => (
            <tr key={v.id} data-testid="prompt-version" data-version={v.number}>
              <td>v{v.number}</td>
              <td className="small">{prompt.labels.filter((l) => l.versionId === v.id).map((l) => l.name).join(', ')}</td>
              <td>{v.changelog}</td>
              <td className="nowrap">{formatDateTime(v.createdAt)}</td>
              <td>{v.author?.email ?? 'system'}</td>
              <td>{v.id === latest.id ? 'latest' : <Link to={`?from=${v.id}&to=${latest.id}`}>Compare with latest</Link>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {prompt.versions.length > 1 ? (
        <Form method="get" className="toolbar">
          <label>
            From
            <select name="from" defaultValue={diff?.from.id ?? prompt.versions[1]!.id}>
              {prompt.versions.map((v) => (
                <option key={v.id} value={v.id}>
                  v{v.number}
                </option>
              ))}
            </select>
          </label>
          <label>
            To
            <select name="to" defaultValue={diff?.to.id ?? latest.id}>
              {prompt.versions.map((v) => (
                <option key={v.id} value={v.id}>
                  v{v.number}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Compare</button>
        </Form>
      ) : null}
      {diff ? (
        <div data-testid="version-diff">
          <h3>
            Version {diff.from.number} → {diff.to.number}
          </h3>
          <pre className="diff">
            {diff.lines.map((line, i) => (
              <div key={i} className={`diff-${line.kind.toLowerCase()}`}>
                {line.kind === 'ADDED' ? '+ ' : line.kind === 'REMOVED' ? '- ' : '  '}
                {line.text}
              </div>
            ))}
          </pre>
          {(['variables', 'parameters'] as const).map((part) =>
            diff[part].length ? (
              <table key={part} data-testid={`diff-${part}`}>
                <thead>
                  <tr>
                    <th>{part === 'variables' ? 'Variable' : 'Parameter'}</th>
                    <th>Before</th>
                    <th>After</th>
                  </tr>
                </thead>
                <tbody>
                  {diff[part].map((c) => (
                    <tr key={c.name}>
                      <td>
                        <code>{c.name}</code>
                      </td>
                      <td className="mono small">{json(c.before)}</td>
                      <td className="mono small">{json(c.after)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null,
          )}
        </div>
      ) : null}
    </section>
  );
}
