import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/**
 * Runs axe on the page as it is now and fails on any violation, whatever its impact (minor and
 * moderate ones too: a repeated landmark name is "moderate" and still confuses a screen-reader
 * user), listing them (rule, impact, first nodes) so a failure says what to fix.
 */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    // Our pages have no iframes; legacy mode runs axe in the page instead of opening a
    // helper page per scan (several times faster).
    .setLegacyMode(true)
    .analyze();
  const report = results.violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join('\n    ')}`,
  );
  expect(report, `axe on "${screen}"`).toEqual([]);
}
