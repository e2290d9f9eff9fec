import { readFileSync } from 'node:fs';
import { buildSchema, parse, print, specifiedRules, validate, type DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../api/src/env.ts';
import { limitRules } from '../../api/src/graphql/limits.ts';
import * as generated from './gql/graphql.ts';

// The API refuses a document over its depth, cost, alias or token limits before running it, so a screen
// whose query grows past one fails only at runtime, with a 502. Fragment spreads count as a level of depth
// in the cost, which makes this easy to miss when a selection moves into a fragment.

const schema = buildSchema(readFileSync(new URL('../../api/schema/admin.graphql', import.meta.url), 'utf8'));
const limits = parseEnv({});
const operations = Object.entries(generated).filter(
  (entry): entry is [string, DocumentNode] => entry[0].endsWith('Document') && typeof entry[1] === 'object',
);

describe('the console’s GraphQL documents', () => {
  it('are all checked here', () => {
    expect(operations.length).toBeGreaterThan(30);
  });

  it.each(operations)('%s is valid and within the API’s default limits', (_name, document) => {
    const source = print(document);
    const parsed = parse(source, { maxTokens: limits.MAX_TOKENS });
    const errors = validate(schema, parsed, [...specifiedRules, ...limitRules(limits)]);
    expect(errors.map((error) => error.message)).toEqual([]);
  });
});
