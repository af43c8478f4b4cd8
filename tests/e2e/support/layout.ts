import { expect, type Page } from '@playwright/test';

/** Interactive things a finger must hit: at least 44×44 CSS px (checkbox/radio: their label). */
const TARGETS =
  'button, a[href], select, input:not([type=checkbox]):not([type=radio]), label.checkbox, label.radio, label.radio-card';

/**
 * Touch targets of at least 44 px and no horizontal scrolling at the page's size (the specs
 * run at 1024×768). Evaluated as a string: the test code is compiled without DOM types.
 */
export async function expectUsableLayout(page: Page, screen: string): Promise<void> {
  const small = (await page.evaluate(`[...document.querySelectorAll(${JSON.stringify(TARGETS)})]
    .filter((e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden')
    .map((e) => {
      const r = e.getBoundingClientRect();
      const name = (e.getAttribute('aria-label') || e.textContent || e.id || e.tagName).trim();
      return { name: name.slice(0, 40), width: Math.round(r.width), height: Math.round(r.height) };
    })
    .filter((t) => t.width < 44 || t.height < 44)`)) as unknown[];
  expect(small, `targets under 44 px on "${screen}"`).toEqual([]);
  const overflow = (await page.evaluate(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth',
  )) as number;
  expect(overflow, `horizontal scrolling on "${screen}"`).toBeLessThanOrEqual(0);
}
