import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';

const SIDEBAR_BACKGROUND = 'rgb(20, 26, 38)';

/** The colour painted at each point, down the sidebar's column of the viewport: the nearest opaque background. */
function backgroundsDownTheSidebar(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const height = window.innerHeight;
    return [1, Math.round(height / 4), Math.round(height / 2), Math.round((height * 3) / 4), height - 2].map((y) => {
      let element = document.elementFromPoint(6, y);
      while (element) {
        const colour = getComputedStyle(element).backgroundColor;
        if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') return colour;
        element = element.parentElement;
      }
      return 'none';
    });
  });
}

test('the dark sidebar runs the full height of a long page, its footer always in view', async ({ page, loginAs, shot }) => {
  await loginAs('VIEWER');
  // The demo's 50 tenants on one page: several screens long.
  await page.goto('/tenants?size=100');
  await expect(page.getByTestId('tenant-row').nth(40)).toBeAttached();
  const viewportHeight = page.viewportSize()!.height;
  const pageHeight = await page.evaluate(() => document.documentElement.scrollHeight);
  expect(pageHeight).toBeGreaterThan(viewportHeight * 2);

  const sidebar = page.getByRole('complementary');
  const footer = page.getByRole('button', { name: 'Log out' });
  for (const top of [0, Math.round((pageHeight - viewportHeight) / 2), pageHeight - viewportHeight]) {
    await page.evaluate((y) => window.scrollTo(0, y), top);
    await expect.poll(() => page.evaluate(() => Math.round(window.scrollY))).toBe(top);
    expect(await backgroundsDownTheSidebar(page)).toEqual(Array(5).fill(SIDEBAR_BACKGROUND));
    await expect(footer).toBeInViewport();
    await expect(page.getByTestId('live-status')).toBeInViewport();
    // The sidebar itself spans the page from top to bottom, not one screen of it that follows the scroll:
    // a full-page capture or a print shows it dark all the way down too.
    const box = await sidebar.evaluate((aside: HTMLElement) => ({ top: aside.getBoundingClientRect().top + window.scrollY, height: aside.offsetHeight }));
    expect(box).toEqual({ top: 0, height: pageHeight });
  }
  await shot('long-page');
});
