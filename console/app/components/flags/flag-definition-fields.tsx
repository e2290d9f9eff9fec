import { useState } from 'react';
import { graphql } from '../../gql/index.ts';
import type { FlagType } from '../../gql/graphql.ts';
import { parseList, type DefinitionValues } from '../../lib/flags.ts';
import type { FieldErrors } from '../../lib/mutation.ts';
import { Field } from '../form.tsx';
import { FlagValueInput } from './flag-value-input.tsx';

/** The alert rules a flag may name as its safeguard (the definition form's choices). */
export const SafeguardChoicesQuery = graphql(`
  query FlagSafeguardChoices {
    alertRules(first: 100, sort: NAME_ASC) {
      edges {
        node {
          id
          name
        }
      }
    }
  }
`);

/**
 * The fields of a flag's definition that stay editable after it is created (the new-flag form adds key and
 * type above them). STRING flags list their variants, and then their values choose among them; JSON flags
 * may give a schema their values must match.
 */
export function FlagDefinitionFields({
  type,
  values,
  errors,
  alertRules,
}: {
  type: FlagType;
  values: DefinitionValues;
  errors: FieldErrors;
  alertRules: { id: string; name: string }[];
}) {
  const [variants, setVariants] = useState(values.variants);
  const choices = type === 'STRING' ? parseList(variants) : [];
  return (
    <>
      <div className="form-grid">
        <Field label="Description" name="description" error={errors.description}>
          <textarea name="description" defaultValue={values.description} rows={2} maxLength={2000} />
        </Field>
        <Field label="Owner" name="owner" error={errors.owner} hint="Who to ask about it: a team or an email.">
          <input name="owner" defaultValue={values.owner} maxLength={200} />
        </Field>
        <Field label="Tags" name="tags" error={errors.tags} hint="Comma-separated.">
          <input name="tags" defaultValue={values.tags} />
        </Field>
        {type === 'STRING' ? (
          <Field label="Variants" name="variants" error={errors.variants} hint="Comma-separated; empty for free text.">
            <input name="variants" value={variants} onChange={(e) => setVariants(e.target.value)} />
          </Field>
        ) : null}
        <Field label="Default value" name="defaultValue" error={errors.defaultValue} hint="Served when nothing matches, and while the flag is off.">
          <FlagValueInput key={`default-${choices.join()}`} type={type} variants={choices} name="defaultValue" defaultValue={values.defaultValue} invalid={Boolean(errors.defaultValue)} />
        </Field>
        <Field label="On value" name="onValue" error={errors.onValue} hint="Served by the rollout and by the entitlement.">
          <FlagValueInput key={`on-${choices.join()}`} type={type} variants={choices} name="onValue" defaultValue={values.onValue} invalid={Boolean(errors.onValue)} />
        </Field>
        <Field label="Entitlement" name="entitlement" error={errors.entitlement} hint="A plan entitlement that turns the flag on for the plan's tenants.">
          <input name="entitlement" defaultValue={values.entitlement} maxLength={100} />
        </Field>
        <Field label="Stale after (days)" name="staleAfterDays" error={errors.staleAfterDays} hint="Not evaluated for this many days: listed as stale.">
          <input name="staleAfterDays" inputMode="numeric" defaultValue={values.staleAfterDays} size={6} />
        </Field>
      </div>
      {type === 'JSON' ? (
        <Field label="JSON schema" name="jsonSchema" error={errors.jsonSchema} hint="Every value of the flag must match it. Empty: any JSON.">
          <textarea name="jsonSchema" defaultValue={values.jsonSchema} rows={5} className="mono" spellCheck={false} />
        </Field>
      ) : null}
      <fieldset className="plan-fieldset" data-field="safeguardRuleIds">
        <legend>Safeguard</legend>
        <span className="hint">While one of these alert rules fires for a tenant, the flag's rules, rollout and entitlement pause for that tenant: it gets the default value.</span>
        {alertRules.length ? null : <span className="muted small">No alert rule yet.</span>}
        {alertRules.map((r) => (
          <label key={r.id} className="inline">
            <input type="checkbox" name="safeguardRuleIds" value={r.id} defaultChecked={values.safeguardRuleIds.includes(r.id)} /> {r.name}
          </label>
        ))}
        {errors.safeguardRuleIds ? <span className="field-error">{errors.safeguardRuleIds}</span> : null}
      </fieldset>
    </>
  );
}
