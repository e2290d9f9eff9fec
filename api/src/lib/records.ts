import type { Prisma } from '../db/client.ts';
import { InputError, NotFoundError } from './errors.ts';
import { id as idSchema } from './strings.ts';

export interface FindOptions {
  /** The input field the id came from, named when it is not an id at all. Default `id`. */
  field?: string;
  /** Lock the row for the rest of this transaction before reading it (read-check-write safety). */
  lock?: { lock(model: Prisma.ModelName, id: string): Promise<boolean> };
}

/**
 * One record by id, or a typed failure: an id that is not a UUID is an input error naming its field; a
 * UUID that matches nothing (or that the scope may not see) is a NotFoundError.
 */
export async function findOrNotFound<T>(
  resourceType: Prisma.ModelName,
  id: string,
  find: (id: string) => Promise<T | null>,
  { field = 'id', lock }: FindOptions = {},
): Promise<T> {
  if (!idSchema.safeParse(id).success) throw InputError.field(field, 'not a valid id');
  if (lock && !(await lock.lock(resourceType, id))) throw new NotFoundError(resourceType, id);
  const row = await find(id);
  if (!row) throw new NotFoundError(resourceType, id);
  return row;
}
