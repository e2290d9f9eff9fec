import { Form } from '@remix-run/react';
import { useEffect, useState } from 'react';
import { FormError } from '../../components/form.tsx';
import { FlagValue } from '../../components/flags/flag-badges.tsx';
import { Field } from '../../components/form.tsx';
import type { FlagStickiness } from '../../gql/graphql.ts';
import { FlagStickinessValues } from '../../gql/lists.ts';
import { parsePercentage } from '../../lib/flags.ts';
import { useIntent } from '../../lib/intent.ts';

type Rollout = { percentage: number; stickiness: FlagStickiness } | null | undefined;

/**
 * The flag's own rollout, after the rules: this share of tenants (or users) gets the on value. Buckets are
 * stable, so raising the percentage keeps everyone who already had it. The slider moves in whole percents;
 * the number beside it takes two decimals.
 */
export function RolloutSlider({ rollout, onValue, canWrite }: { rollout: Rollout; onValue: unknown; canWrite: boolean }) {
  const { busy, result } = useIntent('rollout');
  const [on, setOn] = useState(Boolean(rollout));
  const [percentage, setPercentage] = useState(String(rollout?.percentage ?? 0));
  const [stickiness, setStickiness] = useState<FlagStickiness>(rollout?.stickiness ?? 'TENANT');
  const stored = JSON.stringify(rollout ?? null);
  // A change saved here or elsewhere shows as the slider's new position.
  useEffect(() => {
    const next = JSON.parse(stored) as Rollout;
    setOn(Boolean(next));
    setPercentage(String(next?.percentage ?? 0));
    setStickiness(next?.stickiness ?? 'TENANT');
  }, [stored]);
  const parsed = parsePercentage(percentage);
  const changed = JSON.stringify(on ? { percentage: parsed, stickiness } : null) !== stored;
  return (
    <section aria-label="Rollout" className="flag-rollout" data-testid="flag-rollout">
      <h2>Rollout</h2>
      <p className="hint">After the rules. Each tenant (or user) has a stable bucket, so raising the percentage keeps everyone who already has the flag.</p>
      <Form method="post" noValidate>
        <input type="hidden" name="intent" value="rollout" />
        <fieldset className="plan-fieldset" disabled={!canWrite}>
          <label className="inline">
            <input type="checkbox" name="rolloutOn" checked={on} onChange={(e) => setOn(e.target.checked)} /> Roll out to a share of{' '}
            {stickiness === 'TENANT' ? 'tenants' : 'users'}
          </label>
          <div className="toolbar">
            <label className="flag-slider">
              Rollout percentage
              <input
                type="range"
                min={0}
                max={100}
                step={1}
                value={parsed ?? 0}
                onChange={(e) => setPercentage(e.target.value)}
                disabled={!on}
                data-testid="rollout-slider"
              />
            </label>
            <Field label="Percent" name="percentage" error={result?.fieldErrors?.percentage}>
              <input name="percentage" inputMode="decimal" size={6} value={percentage} onChange={(e) => setPercentage(e.target.value)} disabled={!on} />
            </Field>
            <label>
              Stickiness
              <select name="stickiness" value={stickiness} onChange={(e) => setStickiness(e.target.value as FlagStickiness)} disabled={!on}>
                {FlagStickinessValues.map((s) => (
                  <option key={s} value={s}>
                    {s === 'TENANT' ? 'By tenant' : 'By user'}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <p className="muted small" data-testid="rollout-summary">
            {on && parsed !== null ? (
              <>
                {parsed}% of {stickiness === 'TENANT' ? 'tenants' : 'users (by their id in the evaluation context; none without one)'} get{' '}
                <FlagValue value={onValue} /> when no override or rule decided.
              </>
            ) : (
              'No rollout: after the rules, only the entitlement can turn the flag on.'
            )}
          </p>
          <FormError message={result?.formError} />
          {canWrite ? (
            <div className="form-actions">
              <button type="submit" className="primary" disabled={busy || !changed || (on && parsed === null)}>
                {busy ? 'Saving…' : 'Save rollout'}
              </button>
            </div>
          ) : null}
        </fieldset>
      </Form>
    </section>
  );
}
