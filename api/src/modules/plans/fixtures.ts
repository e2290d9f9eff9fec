// For tests: creating plans through the admin graph, as the console does.

export const CREATE_PLAN = `mutation($input: CreatePlanInput!) {
  createPlan(input: $input) {
    __typename
    ... on MutationCreatePlanSuccess { data { id code monthlyPrice currency quotas { seats } entitlements } }
    ... on ValidationError { message fieldErrors { field message } }
    ... on ConflictError { message field }
  }
}`;

/** A valid `CreatePlanInput` with `code`, changed by `extra`. */
export const planInput = (code: string, extra: Record<string, unknown> = {}) => ({
  code, name: `Plan ${code}`, currency: 'usd', monthlyPrice: 4900, yearlyPrice: 49000, trialDays: 14,
  emailsPerMonth: 1000, smsPerMonth: 50, seats: 5, apiCallsPerMonth: 10000, entitlements: ['tickets', 'email', 'tickets'],
  ...extra,
});
