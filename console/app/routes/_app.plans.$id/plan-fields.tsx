import { Field } from '../../components/form.tsx';
import type { FieldErrors } from '../../lib/mutation.ts';
import type { PlanFormValues } from './plan-form.ts';

const COMMON_CURRENCIES = ['USD', 'EUR', 'GBP', 'CAD', 'AUD', 'CHF', 'JPY', 'SEK', 'NOK', 'DKK', 'INR', 'BRL'];

/** Every field of a plan, filled with `values` (what was typed, or the plan as stored). */
export function PlanFields({ values, errors = {} }: { values: PlanFormValues; errors?: FieldErrors }) {
  const input = (name: keyof PlanFormValues) => ({
    name,
    defaultValue: values[name],
    'aria-invalid': errors[name] ? true : undefined,
  });
  return (
    <>
      <fieldset className="plan-fieldset">
        <legend>Plan</legend>
        <div className="form-grid">
          <Field label="Name" name="name" error={errors.name}>
            <input {...input('name')} required maxLength={100} />
          </Field>
          <Field label="Code" name="code" error={errors.code} hint="Lowercase letters, digits and dashes; tenants' integrations may use it.">
            <input {...input('code')} required autoComplete="off" spellCheck={false} />
          </Field>
        </div>
        <Field label="Description" name="description" error={errors.description}>
          <textarea {...input('description')} rows={2} maxLength={2000} />
        </Field>
      </fieldset>
      <fieldset className="plan-fieldset">
        <legend>Pricing</legend>
        <div className="form-grid">
          <Field label="Currency" name="currency" error={errors.currency} hint="ISO 4217 code">
            <input {...input('currency')} list="plan-currencies" required maxLength={3} autoComplete="off" spellCheck={false} />
          </Field>
          <Field label="Monthly price" name="monthlyPrice" error={errors.monthlyPrice} hint="In the currency's units, e.g. 49.00">
            <input {...input('monthlyPrice')} inputMode="decimal" required autoComplete="off" />
          </Field>
          <Field label="Yearly price" name="yearlyPrice" error={errors.yearlyPrice} hint="In the currency's units, e.g. 490.00">
            <input {...input('yearlyPrice')} inputMode="decimal" required autoComplete="off" />
          </Field>
          <Field label="Trial days" name="trialDays" error={errors.trialDays} hint="0 for no trial">
            <input {...input('trialDays')} type="number" min={0} max={365} step={1} required />
          </Field>
        </div>
        <datalist id="plan-currencies">
          {COMMON_CURRENCIES.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
      </fieldset>
      <fieldset className="plan-fieldset">
        <legend>Quotas per month</legend>
        <div className="form-grid">
          <Field label="Seats" name="seats" error={errors.seats}>
            <input {...input('seats')} type="number" min={1} step={1} required />
          </Field>
          <Field label="Emails per month" name="emailsPerMonth" error={errors.emailsPerMonth}>
            <input {...input('emailsPerMonth')} type="number" min={0} step={1} required />
          </Field>
          <Field label="SMS per month" name="smsPerMonth" error={errors.smsPerMonth}>
            <input {...input('smsPerMonth')} type="number" min={0} step={1} required />
          </Field>
          <Field label="API calls per month" name="apiCallsPerMonth" error={errors.apiCallsPerMonth}>
            <input {...input('apiCallsPerMonth')} type="number" min={0} step={1} required />
          </Field>
        </div>
        <Field
          label="Entitlements"
          name="entitlements"
          error={errors.entitlements}
          hint="Feature keys the plan unlocks, separated by commas or new lines (e.g. tickets, email, sso)."
        >
          <textarea {...input('entitlements')} rows={3} spellCheck={false} />
        </Field>
      </fieldset>
    </>
  );
}
