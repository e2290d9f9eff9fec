import type { FlagType } from '../../gql/graphql.ts';

type Props = {
  type: FlagType;
  /** STRING flags with variants choose among them. */
  variants?: readonly string[];
  name?: string;
  id?: string;
  label?: string;
  /** Uncontrolled: the text the input starts with. */
  defaultValue?: string;
  /** Controlled: the text, and what to do when it changes. */
  value?: string;
  onChange?: (text: string) => void;
  invalid?: boolean;
};

/**
 * The input a flag value is typed in, by the flag's type: true/false for BOOLEAN, the variants (or free
 * text) for STRING, a number for NUMBER, a JSON document for JSON. It always yields text; `parseFlagValue`
 * reads it.
 */
export function FlagValueInput({ type, variants = [], name, id, label, defaultValue, value, onChange, invalid }: Props) {
  const controlled = value !== undefined;
  const common = {
    name,
    id,
    'aria-label': label,
    'aria-invalid': invalid || undefined,
    ...(controlled ? { value, onChange: (e: { target: { value: string } }) => onChange?.(e.target.value) } : { defaultValue }),
  };
  if (type === 'BOOLEAN') {
    return (
      <select {...common}>
        <option value="false">false</option>
        <option value="true">true</option>
      </select>
    );
  }
  if (type === 'STRING' && variants.length) {
    const current = controlled ? value : defaultValue;
    return (
      <select {...common}>
        {current && !variants.includes(current) ? <option value={current}>{current} (not a variant)</option> : null}
        {variants.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    );
  }
  if (type === 'JSON') return <textarea {...common} rows={4} className="mono" spellCheck={false} />;
  return <input {...common} inputMode={type === 'NUMBER' ? 'decimal' : undefined} />;
}
