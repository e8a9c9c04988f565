// Drives the test OP's dev login page in the browser as a person would: type a login and a
// password, submit, click through consent if a provider version shows it, and wait until the
// browser has left the provider for the relying party.
import type { Page } from 'playwright-core';

export interface ProviderLogin {
  login: string;
  password?: string;
  /** True once the browser is back at the relying party. */
  leaving: (url: URL) => boolean;
}

export async function signInAtProvider(page: Page, o: ProviderLogin): Promise<void> {
  await page.fill('input[name="login"]', o.login);
  await page.fill('input[name="password"]', o.password ?? 'any-password');
  await page.click('button[type="submit"]');
  // The test OP auto-grants consent; a consent page would be another interaction form.
  await page.waitForURL((url) => o.leaving(url) || /\/interaction\/[^/]+$/.test(url.pathname), { timeout: 15_000 });
  if (!o.leaving(new URL(page.url())) && (await page.locator('button[type="submit"]').count()) > 0) {
    await page.click('button[type="submit"]');
    await page.waitForURL(o.leaving, { timeout: 15_000 });
  }
}
