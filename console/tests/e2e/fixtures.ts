import { test as base, expect, type Page } from '@playwright/test';

export type Role = 'OWNER' | 'ADMIN' | 'SUPPORT' | 'BILLING' | 'VIEWER';
export const DEMO_PASSWORD = 'opsgraph-demo-password';
export const emailOf = (role: Role) => `${role.toLowerCase()}@opsgraph.dev`;

export type AdminApi = {
  token: string;
  /** Runs an operation against the admin graph; GraphQL errors throw. */
  gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>;
};

export function apiUrl(): string {
  const url = process.env.API_URL;
  if (!url) throw new Error('API_URL is not set: run the browser tests through playwright.config.ts');
  return url;
}

export async function graphqlRequest<T>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
  const res = await fetch(`${apiUrl()}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  if (body.errors?.length) {
    const error = new Error(body.errors.map((e) => e.message).join('; ')) as Error & { code?: string };
    error.code = body.errors[0]?.extensions?.code;
    throw error;
  }
  return body.data as T;
}

export async function loginApi(role: Role): Promise<AdminApi> {
  const data = await graphqlRequest<{ login: { __typename: string; data?: { token: string }; message?: string } }>(
    `mutation ($email: String!, $password: String!) {
      login(email: $email, password: $password) {
        __typename
        ... on MutationLoginSuccess { data { token } }
        ... on Error { message }
      }
    }`,
    { email: emailOf(role), password: DEMO_PASSWORD },
  );
  const token = data.login.data?.token;
  if (!token) throw new Error(`login as ${role} failed: ${data.login.__typename} ${data.login.message ?? ''}`);
  return { token, gql: (query, variables) => graphqlRequest(query, variables, token) };
}

/** Signs `page` in through the login form and waits for the dashboard. */
export async function loginPage(page: Page, role: Role) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(emailOf(role));
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('role')).toHaveText(role);
}

/** A name no other test uses, so tests sharing one platform never see each other's rows. */
export function unique(prefix: string): string {
  return `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export const test = base.extend<{
  loginAs: (role: Role) => Promise<void>;
  adminApi: (role: Role) => Promise<AdminApi>;
  /** Saves a full-page PNG of `page` as a test artifact. (Playwright's own `screenshot` option owns that name.) */
  shot: (name: string) => Promise<void>;
}>({
  loginAs: async ({ page }, use) => use((role) => loginPage(page, role)),
  adminApi: async ({}, use) => use(loginApi),
  shot: async ({ page }, use, testInfo) =>
    use(async (name) => {
      // Saved under test-results/ as an artifact of the run, and attached to the report.
      const file = testInfo.outputPath(`${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      await testInfo.attach(name, { path: file, contentType: 'image/png' });
    }),
});

export { expect };
