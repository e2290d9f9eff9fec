import { expect, test, unique } from './fixtures.ts';

const CREATE_TEMPLATE = `
  mutation ($input: CreateEmailTemplateInput!) {
    createEmailTemplate(input: $input) {
      __typename
      ... on MutationCreateEmailTemplateSuccess { data { id } }
      ... on Error { message }
    }
  }`;

test('edit a template and see the preview change, then save it as a new version', async ({ page, loginAs, adminApi }) => {
  const api = await adminApi('ADMIN');
  const key = unique('e2e-tpl').toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const { createEmailTemplate } = await api.gql(CREATE_TEMPLATE, {
    input: {
      key, name: 'E2E template', subject: 'Hello {{name}}', html: '<p>Hi {{name}}</p>', text: 'Hi {{name}}',
      variables: [{ name: 'name', sample: 'Ada', description: 'First name' }],
    },
  });
  const id = createEmailTemplate.data.id as string;
  await loginAs('ADMIN');
  await page.goto(`/emails/templates/${id}`);

  const preview = page.frameLocator('[data-testid="preview-html"]');
  await expect(page.getByTestId('preview-subject')).toHaveText('Hello Ada');
  await expect(preview.locator('p')).toHaveText('Hi Ada');

  await page.getByLabel('HTML').fill('<h1>Welcome aboard, {{name}}!</h1>');
  await expect(preview.locator('h1')).toHaveText('Welcome aboard, Ada!');

  // An undeclared variable is shown with its line and column, and nothing is saved.
  await page.getByLabel('HTML').fill('<h1>Welcome {{nmae}}</h1>');
  await expect(page.getByTestId('preview-problems')).toContainText('html line 1, column 15: undeclared variable "nmae"');

  await page.getByLabel('HTML').fill('<h1>Welcome aboard, {{name}}!</h1>');
  await page.getByRole('button', { name: 'Save as new version' }).click();
  await expect(page.getByTestId('template-version')).toHaveCount(2);
  await page.getByRole('link', { name: 'Compare with latest' }).click();
  await expect(page.getByTestId('version-diff')).toContainText('+ <h1>Welcome aboard, {{name}}!</h1>');
});
