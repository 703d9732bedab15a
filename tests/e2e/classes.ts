/**
 * What the class browser specs (issue 15) do the same way: a teacher starts a class, a student
 * joins it by its link, and the join and rejoin forms of /join.
 */
import type { Locator, Page } from '@playwright/test';
import { expect } from './fixtures';

/** The teacher starts a class on /class/new; its code, from the address it lands on. */
export async function startClass(page: Page, name: string): Promise<string> {
	await page.goto('/class/new');
	await page.getByLabel('Class name').fill(name);
	await page.getByRole('button', { name: 'Start the class' }).click();
	await page.waitForURL(/\/class\/[A-Z0-9]{6}$/);
	return new URL(page.url()).pathname.split('/')[2];
}

export const joinForm = (page: Page): Locator =>
	page.getByRole('form', { name: 'Join', exact: true });

export const rejoinForm = (page: Page): Locator =>
	page.getByRole('form', { name: 'Rejoin', exact: true });

/**
 * A student joins by the class's link (/join?code=…, what the QR code says) with `nickname`;
 * resolves once their card shows, with the address the class gives them (RFC 5321 §4.1.2:
 * nickname@code.class.test, lower case).
 */
export async function joinByLink(page: Page, code: string, nickname: string): Promise<string> {
	await page.goto(`/join?code=${code}`);
	const form = joinForm(page);
	await form.getByLabel('Your nickname').fill(nickname);
	await form.getByRole('button', { name: 'Join' }).click();
	await expect(page.getByTestId('student-card')).toBeVisible();
	return `${nickname.toLowerCase()}@${code.toLowerCase()}.class.test`;
}
