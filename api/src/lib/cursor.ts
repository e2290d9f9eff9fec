import { InputError } from './errors.ts';

/** Opaque keyset cursor over (timestamp, id). */
export interface KeysetCursor {
  at: Date;
  id: string;
}

export function encodeCursor(cursor: KeysetCursor): string {
  return Buffer.from(`${cursor.at.toISOString()}|${cursor.id}`).toString('base64url');
}

export function decodeCursor(text: string): KeysetCursor {
  const [at, id] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  const date = at ? new Date(at) : null;
  if (!date || Number.isNaN(date.getTime()) || !id) throw InputError.field('after', 'not a valid cursor');
  return { at: date, id };
}
