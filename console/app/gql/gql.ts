/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query TenantsList($first: Int, $after: String, $last: Int, $before: String, $filter: TenantFilter, $sort: TenantSort) {\n    tenants(first: $first, after: $after, last: $last, before: $before, filter: $filter, sort: $sort) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          slug\n          status\n          ownerEmail\n          trialEndsAt\n          createdAt\n          plan {\n            id\n            name\n          }\n        }\n      }\n    }\n    plans(first: 100, sort: NAME_ASC) {\n      edges {\n        node {\n          id\n          name\n          status\n        }\n      }\n    }\n  }\n": typeof types.TenantsListDocument,
    "\n  subscription TenantsListChanged {\n    tenantChanged {\n      tenantId\n      kind\n    }\n  }\n": typeof types.TenantsListChangedDocument,
    "\n  query Shell {\n    me {\n      id\n      name\n      email\n      role\n      permissions\n    }\n  }\n": typeof types.ShellDocument,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      __typename\n      ... on MutationLoginSuccess {\n        data {\n          token\n          expiresAt\n        }\n      }\n      ... on Error {\n        message\n      }\n      ... on AccountLockedError {\n        lockedUntil\n      }\n      ... on ValidationError {\n        fieldErrors {\n          field\n          message\n        }\n      }\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation Logout {\n    logout\n  }\n": typeof types.LogoutDocument,
};
const documents: Documents = {
    "\n  query TenantsList($first: Int, $after: String, $last: Int, $before: String, $filter: TenantFilter, $sort: TenantSort) {\n    tenants(first: $first, after: $after, last: $last, before: $before, filter: $filter, sort: $sort) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          slug\n          status\n          ownerEmail\n          trialEndsAt\n          createdAt\n          plan {\n            id\n            name\n          }\n        }\n      }\n    }\n    plans(first: 100, sort: NAME_ASC) {\n      edges {\n        node {\n          id\n          name\n          status\n        }\n      }\n    }\n  }\n": types.TenantsListDocument,
    "\n  subscription TenantsListChanged {\n    tenantChanged {\n      tenantId\n      kind\n    }\n  }\n": types.TenantsListChangedDocument,
    "\n  query Shell {\n    me {\n      id\n      name\n      email\n      role\n      permissions\n    }\n  }\n": types.ShellDocument,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      __typename\n      ... on MutationLoginSuccess {\n        data {\n          token\n          expiresAt\n        }\n      }\n      ... on Error {\n        message\n      }\n      ... on AccountLockedError {\n        lockedUntil\n      }\n      ... on ValidationError {\n        fieldErrors {\n          field\n          message\n        }\n      }\n    }\n  }\n": types.LoginDocument,
    "\n  mutation Logout {\n    logout\n  }\n": types.LogoutDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TenantsList($first: Int, $after: String, $last: Int, $before: String, $filter: TenantFilter, $sort: TenantSort) {\n    tenants(first: $first, after: $after, last: $last, before: $before, filter: $filter, sort: $sort) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          slug\n          status\n          ownerEmail\n          trialEndsAt\n          createdAt\n          plan {\n            id\n            name\n          }\n        }\n      }\n    }\n    plans(first: 100, sort: NAME_ASC) {\n      edges {\n        node {\n          id\n          name\n          status\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query TenantsList($first: Int, $after: String, $last: Int, $before: String, $filter: TenantFilter, $sort: TenantSort) {\n    tenants(first: $first, after: $after, last: $last, before: $before, filter: $filter, sort: $sort) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          slug\n          status\n          ownerEmail\n          trialEndsAt\n          createdAt\n          plan {\n            id\n            name\n          }\n        }\n      }\n    }\n    plans(first: 100, sort: NAME_ASC) {\n      edges {\n        node {\n          id\n          name\n          status\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TenantsListChanged {\n    tenantChanged {\n      tenantId\n      kind\n    }\n  }\n"): (typeof documents)["\n  subscription TenantsListChanged {\n    tenantChanged {\n      tenantId\n      kind\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Shell {\n    me {\n      id\n      name\n      email\n      role\n      permissions\n    }\n  }\n"): (typeof documents)["\n  query Shell {\n    me {\n      id\n      name\n      email\n      role\n      permissions\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      __typename\n      ... on MutationLoginSuccess {\n        data {\n          token\n          expiresAt\n        }\n      }\n      ... on Error {\n        message\n      }\n      ... on AccountLockedError {\n        lockedUntil\n      }\n      ... on ValidationError {\n        fieldErrors {\n          field\n          message\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      __typename\n      ... on MutationLoginSuccess {\n        data {\n          token\n          expiresAt\n        }\n      }\n      ... on Error {\n        message\n      }\n      ... on AccountLockedError {\n        lockedUntil\n      }\n      ... on ValidationError {\n        fieldErrors {\n          field\n          message\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout\n  }\n"): (typeof documents)["\n  mutation Logout {\n    logout\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;