// Tenant scoping holds by construction only if no module can reach the unscoped client: this test reads
// every module's source and fails on any way around the request scope other than the named elevations.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ELEVATIONS } from '../scope.ts';

const modulesDir = path.dirname(fileURLToPath(import.meta.url));

/** Imports a module may not make at all, by the end of their path. */
const FORBIDDEN_IMPORTS = ['/app.ts', '/db/pubsub.ts', '/db/embedded.ts', 'pg', '@prisma/adapter-pg', 'graphile-worker'];
/** Values a module may not import (types are fine) from the client modules. */
const CLIENT_MODULES = ['/db/client.ts', '/generated/prisma/client.ts'];
const FORBIDDEN_VALUES = new Set(['PrismaClient', 'createPrisma', 'createPool']);
/** Properties that lead from a scope or app to the raw client or process resources. */
const FORBIDDEN_PROPERTIES = new Set(['prisma', 'pubsub', 'tenantScoping', '$extends']);
/** Platform functions that create scopes from the app. */
const FORBIDDEN_CALLS = new Set(['createScope', 'systemScope']);

export function violations(file: string, source: string): string[] {
  const found: string[] = [];
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2023, true);
  const where = (node: ts.Node) => `${path.basename(file)}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const spec = node.moduleSpecifier.text;
      const clause = node.importClause;
      if (FORBIDDEN_IMPORTS.some((f) => spec === f || spec.endsWith(f))) found.push(`${where(node)} imports ${spec}`);
      if (clause && !clause.isTypeOnly && CLIENT_MODULES.some((m) => spec.endsWith(m))) {
        const named = clause.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : [];
        for (const element of named) {
          if (!element.isTypeOnly && FORBIDDEN_VALUES.has((element.propertyName ?? element.name).text)) {
            found.push(`${where(element)} imports the value ${element.name.text} from ${spec}`);
          }
        }
        if (clause.name || (clause.namedBindings && ts.isNamespaceImport(clause.namedBindings))) found.push(`${where(node)} imports all of ${spec}`);
      }
    }
    if (ts.isPropertyAccessExpression(node) && FORBIDDEN_PROPERTIES.has(node.name.text)) {
      found.push(`${where(node)} reads .${node.name.text}`);
    }
    if (ts.isElementAccessExpression(node) && ts.isStringLiteral(node.argumentExpression) && FORBIDDEN_PROPERTIES.has(node.argumentExpression.text)) {
      found.push(`${where(node)} reads ['${node.argumentExpression.text}']`);
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
      const callee = node.expression.text;
      if (FORBIDDEN_CALLS.has(callee)) found.push(`${where(node)} calls ${callee}`);
      if (callee === 'asSystem') {
        const purpose = node.arguments[1];
        if (!purpose || !ts.isStringLiteral(purpose) || !(purpose.text in ELEVATIONS)) {
          found.push(`${where(node)} calls asSystem without a named purpose from ELEVATIONS`);
        }
      }
    }
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && ['PrismaClient', 'PubSub', 'Pool', 'Client'].includes(node.expression.text)) {
      found.push(`${where(node)} constructs ${node.expression.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function moduleSources(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) files.push(full);
    }
  };
  walk(modulesDir);
  return files;
}

describe('the request scope boundary', () => {
  it('no module reaches the unscoped client, the app or the pool outside the named elevations', () => {
    const files = moduleSources();
    expect(files.length).toBeGreaterThan(20);
    const found = files.flatMap((file) => violations(path.relative(modulesDir, file), readFileSync(file, 'utf8')));
    expect(found).toEqual([]);
  });

  it('catches each way around the scope', () => {
    const bad = `
      import { createApp } from '../../app.ts';
      import { PrismaClient } from '../../generated/prisma/client.ts';
      import type { Prisma } from '../../db/client.ts';
      import pg from 'pg';
      export async function leak(scope, app) {
        await app.prisma.tenant.findMany();
        await scope['tenantScoping'];
        const other = systemScope(app, 'x');
        const raw = asSystem(scope, 'because');
        const named = asSystem(scope, 'login');
        return new PrismaClient();
      }`;
    const found = violations('leak.ts', bad);
    expect(found.join('\n')).toMatch(/imports \.\.\/\.\.\/app\.ts/);
    expect(found.join('\n')).toMatch(/imports the value PrismaClient/);
    expect(found.join('\n')).toMatch(/imports pg/);
    expect(found.join('\n')).toMatch(/reads \.prisma/);
    expect(found.join('\n')).toMatch(/reads \['tenantScoping'\]/);
    expect(found.join('\n')).toMatch(/calls systemScope/);
    expect(found.join('\n')).toMatch(/asSystem without a named purpose/);
    expect(found.join('\n')).toMatch(/constructs PrismaClient/);
    // The named elevation and type-only imports are fine.
    expect(found.filter((f) => f.includes(':11 '))).toEqual([]);
    expect(found.some((f) => f.includes('db/client.ts'))).toBe(false);
  });
});
