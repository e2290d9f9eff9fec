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
