import { Form } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import { useHydrated } from '../../components/dialog.tsx';
import { FlagValueInput } from '../../components/flags/flag-value-input.tsx';
import { FieldError, FormError } from '../../components/form.tsx';
import type { FlagConstraintOperator, FlagStickiness, FlagType } from '../../gql/graphql.ts';
import { FlagConstraintOperatorValues, FlagStickinessValues } from '../../gql/lists.ts';
import {
  BUILT_IN_ATTRIBUTES,
  emptyConstraint,
  emptyRule,
  LIST_OPERATORS,
  moveRule,
  OPERATOR_TEXT,
  ruleDrafts,
  type ConstraintDraft,
  type RuleDraft,
} from '../../lib/flags.ts';
import { humanize } from '../../lib/format.ts';
import { useIntent } from '../../lib/intent.ts';

type StoredRules = Parameters<typeof ruleDrafts>[1];

/**
 * The ordered rules: the first whose conditions all hold (and whose rollout, if any, takes the key) serves
 * its value. The editor keeps a draft; "Save rules" replaces the flag's rules with it in one change. The
 * draft follows changes made elsewhere until the admin starts editing, and says so if one lands meanwhile.
 */
export function RulesEditor({
  flag,
  canWrite,
}: {
  flag: { type: FlagType; variants: readonly string[]; onValue: unknown; rules: StoredRules };
  canWrite: boolean;
}) {
  const stored = JSON.stringify(flag.rules);
  const [drafts, setDrafts] = useState<RuleDraft[]>(() => ruleDrafts(flag.type, flag.rules));
  const [base, setBase] = useState(stored);
  const [dirty, setDirty] = useState(false);
  const { busy, result, done } = useIntent('rules');
  const hydrated = useHydrated();
  const errors = result?.fieldErrors ?? {};
  const latest = useRef(flag);
  latest.current = flag;

  useEffect(() => {
    if (dirty) return;
    setDrafts(ruleDrafts(latest.current.type, latest.current.rules));
    setBase(stored);
  }, [stored, dirty]);
  useEffect(() => {
    if (done) setDirty(false);
  }, [done]);

  const edit = (next: RuleDraft[]) => {
    setDrafts(next);
    setDirty(true);
  };
  const editRule = (index: number, change: Partial<RuleDraft>) => edit(drafts.map((r, i) => (i === index ? { ...r, ...change } : r)));
  const editConstraint = (index: number, at: number, change: Partial<ConstraintDraft>) =>
    editRule(index, { constraints: drafts[index]!.constraints.map((c, j) => (j === at ? { ...c, ...change } : c)) });

  return (
    <section aria-label="Rules" data-testid="flag-rules">
      <h2>Rules</h2>
      <p className="hint">Tried in order after the overrides; the first rule whose conditions all hold serves its value. Attributes: {BUILT_IN_ATTRIBUTES.join(', ')}, or any name in the evaluation context.</p>
      {dirty && base !== stored ? (
        <p className="notice" data-testid="rules-changed-elsewhere">
          The rules were changed elsewhere since you started editing; saving replaces them with yours.
        </p>
      ) : null}
      <AttributeSuggestions />
      <Form method="post" noValidate>
        <input type="hidden" name="intent" value="rules" />
        <input type="hidden" name="rules" value={JSON.stringify(drafts)} />
        <FormError message={result?.formError} />
        {drafts.length ? null : <p className="muted">No rules: after the overrides, the rollout and the entitlement decide.</p>}
        <ol className="flag-rules" data-testid="rule-list">
          {drafts.map((rule, index) => {
            const at = `rules.${index}`;
            return (
              <li key={index} className="card" data-testid="rule">
                <fieldset className="plan-fieldset" disabled={!canWrite}>
                  <legend>Rule {index + 1}</legend>
                  <FieldError message={errors[at] ?? errors[`${at}.constraints`]} />
                  <label>
                    Description
                    <input value={rule.description} onChange={(e) => editRule(index, { description: e.target.value })} placeholder="Beta customers" maxLength={200} />
                  </label>
                  {rule.constraints.map((c, j) => (
                    <ConstraintRow
                      key={j}
                      ruleIndex={index}
                      index={j}
                      constraint={c}
                      errors={{ attribute: errors[`${at}.constraints.${j}.attribute`], values: errors[`${at}.constraints.${j}.values`] ?? errors[`${at}.constraints.${j}`] }}
                      onChange={(change) => editConstraint(index, j, change)}
                      onRemove={() => editRule(index, { constraints: rule.constraints.filter((_, k) => k !== j) })}
                    />
                  ))}
                  <div className="toolbar">
                    <button type="button" onClick={() => editRule(index, { constraints: [...rule.constraints, emptyConstraint()] })} disabled={!hydrated}>
                      Add condition
                    </button>
                  </div>
                  <div className="toolbar">
                    <label>
                      Serves
                      <FlagValueInput
                        type={flag.type}
                        variants={flag.variants}
                        label={`Rule ${index + 1} value`}
                        value={rule.value}
                        onChange={(value) => editRule(index, { value })}
                        invalid={Boolean(errors[`${at}.value`])}
                      />
                      <FieldError message={errors[`${at}.value`]} />
                    </label>
                    <label>
                      To (%)
                      <input
                        aria-label={`Rule ${index + 1} rollout percentage`}
                        inputMode="decimal"
                        size={6}
                        value={rule.percentage}
                        placeholder="all"
                        onChange={(e) => editRule(index, { percentage: e.target.value })}
                      />
                      <FieldError message={errors[`${at}.rollout.percentage`] ?? errors[`${at}.rollout`]} />
                    </label>
                    <label>
                      Of
                      <select
                        aria-label={`Rule ${index + 1} stickiness`}
                        value={rule.stickiness}
                        onChange={(e) => editRule(index, { stickiness: e.target.value as FlagStickiness })}
                        disabled={rule.percentage.trim() === ''}
                      >
                        {FlagStickinessValues.map((s) => (
                          <option key={s} value={s}>
                            {s === 'TENANT' ? 'tenants' : 'users'}
                          </option>
                        ))}
                      </select>
                    </label>
                  </div>
                  <div className="toolbar">
                    <button type="button" onClick={() => edit(moveRule(drafts, index, -1))} disabled={!hydrated || index === 0} aria-label={`Move rule ${index + 1} up`}>
                      ↑ Up
                    </button>
                    <button
                      type="button"
                      onClick={() => edit(moveRule(drafts, index, 1))}
                      disabled={!hydrated || index === drafts.length - 1}
                      aria-label={`Move rule ${index + 1} down`}
                    >
                      ↓ Down
                    </button>
                    <button type="button" className="danger" onClick={() => edit(drafts.filter((_, i) => i !== index))} disabled={!hydrated} aria-label={`Remove rule ${index + 1}`}>
                      Remove rule
                    </button>
                  </div>
                </fieldset>
              </li>
            );
          })}
        </ol>
        {canWrite ? (
          <div className="form-actions">
            <button type="button" onClick={() => edit([...drafts, emptyRule(flag.type, flag.onValue)])} disabled={!hydrated}>
              Add rule
            </button>
            <button type="submit" className="primary" disabled={busy || !dirty}>
              {busy ? 'Saving…' : 'Save rules'}
            </button>
            {dirty ? (
              <button type="button" onClick={() => setDirty(false)}>
                Discard changes
              </button>
            ) : null}
          </div>
        ) : null}
      </Form>
    </section>
  );
}

function ConstraintRow({
  ruleIndex,
  index,
  constraint,
  errors,
  onChange,
  onRemove,
}: {
  ruleIndex: number;
  index: number;
  constraint: ConstraintDraft;
  errors: { attribute?: string; values?: string };
  onChange: (change: Partial<ConstraintDraft>) => void;
  onRemove: () => void;
}) {
  const name = `Rule ${ruleIndex + 1} condition ${index + 1}`;
  const list = LIST_OPERATORS.includes(constraint.operator);
  return (
    <div className="toolbar" data-testid="rule-condition">
      <span className="muted small">{index === 0 ? 'When' : 'and'}</span>
      <label>
        <input
          aria-label={`${name} attribute`}
          list="flag-attributes"
          value={constraint.attribute}
          onChange={(e) => onChange({ attribute: e.target.value })}
          size={14}
          aria-invalid={Boolean(errors.attribute) || undefined}
        />
        <FieldError message={errors.attribute} />
      </label>
      <select aria-label={`${name} operator`} value={constraint.operator} onChange={(e) => onChange({ operator: e.target.value as FlagConstraintOperator })}>
        {FlagConstraintOperatorValues.map((o) => (
          <option key={o} value={o}>
            {OPERATOR_TEXT[o]} ({humanize(o).toLowerCase()})
          </option>
        ))}
      </select>
      <label>
        <input
          aria-label={`${name} values`}
          value={constraint.values}
          onChange={(e) => onChange({ values: e.target.value })}
          placeholder={list ? 'pro, team' : 'value'}
          size={24}
          aria-invalid={Boolean(errors.values) || undefined}
        />
        <FieldError message={errors.values} />
      </label>
      <button type="button" className="link-button flag-remove" onClick={onRemove} aria-label={`Remove condition ${index + 1} of rule ${ruleIndex + 1}`}>
        ×
      </button>
    </div>
  );
}

/** The attribute names the evaluator knows, offered by every condition's attribute input. */
function AttributeSuggestions() {
  return (
    <datalist id="flag-attributes">
      {BUILT_IN_ATTRIBUTES.map((a) => (
        <option key={a} value={a} />
      ))}
    </datalist>
  );
}
