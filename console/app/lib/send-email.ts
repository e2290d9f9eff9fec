// The "Send email" dialog's variable fields: one input per declared variable, named `var.<name>`, or
// `json.<name>` for a variable whose sample is not a string (a list, a number): its value is read as JSON.

export const VARIABLE_PREFIX = 'var.';
export const JSON_VARIABLE_PREFIX = 'json.';

/** The form field a variable is typed into, by its sample's kind. */
export function variableField(variable: { name: string; sample?: unknown }): { name: string; placeholder: string | undefined; json: boolean } {
  const json = variable.sample != null && typeof variable.sample !== 'string';
  const placeholder = variable.sample == null ? undefined : json ? JSON.stringify(variable.sample) : String(variable.sample);
  return { name: `${json ? JSON_VARIABLE_PREFIX : VARIABLE_PREFIX}${variable.name}`, placeholder, json };
}

/**
 * The variables a dialog's form holds, empty ones included (an empty value is a value; the sample is only a
 * hint), or the fields whose JSON does not parse.
 */
export function readVariables(form: FormData): { variables: Record<string, unknown>; errors: Record<string, string> } {
  const variables: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const [field, value] of form.entries()) {
    if (typeof value !== 'string') continue;
    if (field.startsWith(VARIABLE_PREFIX) && field.length > VARIABLE_PREFIX.length) variables[field.slice(VARIABLE_PREFIX.length)] = value;
    if (field.startsWith(JSON_VARIABLE_PREFIX) && field.length > JSON_VARIABLE_PREFIX.length) {
      const name = field.slice(JSON_VARIABLE_PREFIX.length);
      if (value.trim() === '') continue;
      try {
        variables[name] = JSON.parse(value);
      } catch {
        errors[`variables.${name}`] = 'Not valid JSON, e.g. ["one", "two"].';
      }
    }
  }
  return { variables, errors };
}
