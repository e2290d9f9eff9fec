import type { FieldErrors } from '../../lib/mutation.ts';

// What the editor's forms post, read into the API's inputs. Only shape is checked here (a number is a
// number); every rule (keys, paths, depth) is the API's, whose messages the forms show.

type Read<T> = { ok: true; value: T } | { ok: false; fieldErrors: FieldErrors };

const str = (form: FormData, name: string) => String(form.get(name) ?? '').trim();
/** Empty means "none": null clears an optional field. */
const optional = (form: FormData, name: string) => str(form, name) || null;

function int(form: FormData, name: string, errors: FieldErrors): number | null {
  const raw = str(form, name);
  if (raw === '') return null;
  const value = Number(raw);
  if (!Number.isInteger(value)) errors[name] = 'A whole number.';
  return value;
}

export type ItemFormValue = {
  label: string;
  icon: string | null;
  path: string;
  requiredEntitlement: string | null;
  requiredFlag: string | null;
  visible: boolean;
  parentId: string | null;
};

/** An item's fields; an unchecked "visible" box posts nothing, which means false. */
export function readItemForm(form: FormData): ItemFormValue & { key: string } {
  return {
    key: str(form, 'key'),
    label: str(form, 'label'),
    icon: optional(form, 'icon'),
    path: str(form, 'path'),
    requiredEntitlement: optional(form, 'requiredEntitlement'),
    requiredFlag: optional(form, 'requiredFlag'),
    visible: form.get('visible') === 'on',
    parentId: optional(form, 'parentId'),
  };
}

export function readMoveForm(form: FormData): Read<{ parentId: string | null; position: number }> {
  const errors: FieldErrors = {};
  const position = int(form, 'position', errors);
  if (position === null) errors.position = 'Required.';
  if (Object.keys(errors).length) return { ok: false, fieldErrors: errors };
  return { ok: true, value: { parentId: optional(form, 'parentId'), position: position! } };
}

export const OVERRIDE_ACTIONS = ['HIDE', 'RENAME', 'REORDER', 'ADD'] as const;
export type OverrideAction = (typeof OVERRIDE_ACTIONS)[number];

export type OverrideFormValue = {
  itemKey: string;
  action: OverrideAction;
  label: string | null;
  icon: string | null;
  path: string | null;
  parentKey: string | null;
  order: number | null;
};

/** An override as its action needs it: the fields another action uses are left out. */
export function readOverrideForm(form: FormData): Read<OverrideFormValue> {
  const errors: FieldErrors = {};
  const action = OVERRIDE_ACTIONS.find((a) => a === str(form, 'action'));
  if (!action) errors.action = 'Choose what the override does.';
  const order = int(form, 'order', errors);
  if (Object.keys(errors).length || !action) return { ok: false, fieldErrors: errors };
  const uses = (field: 'label' | 'icon' | 'path' | 'parentKey' | 'order') =>
    action === 'ADD' || (action === 'RENAME' && field === 'label') || (action === 'REORDER' && field === 'order');
  return {
    ok: true,
    value: {
      itemKey: str(form, 'itemKey'),
      action,
      label: uses('label') ? optional(form, 'label') : null,
      icon: uses('icon') ? optional(form, 'icon') : null,
      path: uses('path') ? optional(form, 'path') : null,
      parentKey: uses('parentKey') ? optional(form, 'parentKey') : null,
      order: uses('order') ? order : null,
    },
  };
}
