import { graphql } from '../gql/index.ts';

/** What every mutation form needs from a typed failure; spread it as `... on Error { ...MutationError }`. */
export const MutationErrorFragment = graphql(`
  fragment MutationError on Error {
    __typename
    message
    ... on ValidationError {
      fieldErrors {
        field
        message
      }
    }
    ... on ConflictError {
      field
    }
  }
`);

/** What `Pagination` needs from a connection. */
export const PageLinksFragment = graphql(`
  fragment PageLinks on PageInfo {
    hasNextPage
    hasPreviousPage
    startCursor
    endCursor
  }
`);

/** An alert rule's definition: what the rule page shows and the edit form starts from. */
export const AlertRuleDefinitionFragment = graphql(`
  fragment AlertRuleDefinition on AlertRule {
    id
    name
    description
    signal
    metric
    task
    labelFilter
    groupBy
    aggregation
    windowSeconds
    operator
    threshold
    pendingSeconds
    keepFiringSeconds
    repeatIntervalSeconds
    severity
    noData
    enabled
    tenantId
    tenantVisible
    channelIds
  }
`);
