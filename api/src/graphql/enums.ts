import type { EnumRef } from '@pothos/core';
import * as prismaEnums from '../generated/prisma/enums.ts';
import type { PrismaEnumName, PrismaEnumValue } from '../lib/list.ts';
import { builder, type SubGraph } from './builder.ts';

type SchemaTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
type PrismaEnumRef<N extends PrismaEnumName> = EnumRef<SchemaTypes, PrismaEnumValue<N>>;

const refs = new Map<PrismaEnumName, { ref: unknown; subGraphs: SubGraph[] }>();

/**
 * The GraphQL enum of a Prisma enum, same name and values, created once. A module that shows it in the
 * tenant graph too asks for it first, before its lists do.
 */
export function prismaEnum<N extends PrismaEnumName>(name: N, options: { subGraphs?: SubGraph[]; description?: string } = {}): PrismaEnumRef<N> {
  const subGraphs = options.subGraphs ?? ['admin'];
  const existing = refs.get(name);
  if (existing) {
    if (options.subGraphs && existing.subGraphs.join() !== subGraphs.join()) {
      throw new Error(`enum ${name} was first registered for ${existing.subGraphs.join(', ')}`);
    }
    return existing.ref as PrismaEnumRef<N>;
  }
  const ref = builder.enumType(prismaEnums[name] as Record<string, string>, { name, subGraphs, description: options.description });
  refs.set(name, { ref, subGraphs });
  return ref as unknown as PrismaEnumRef<N>;
}
