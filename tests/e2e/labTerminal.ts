/** Driving the lab's terminal from a browser test: type a line, wait for its reply. */
import { expect, type Page } from '@playwright/test';

/** The text of every server line in the lab's timeline. */
export const serverRows = (page: Page) => page.locator('section.timeline li.row.server .text');

/** Types a line into the terminal and waits for the final line of its reply. */
export async function send(page: Page, line: string, reply?: RegExp) {
	const before = await serverRows(page).count();
	await page.keyboard.type(line);
	await page.keyboard.press('Enter');
	if (!reply) return;
	await expect
		.poll(async () => {
			const texts = await serverRows(page).allInnerTexts();
			return texts.slice(before).some((text) => reply.test(text));
		})
		.toBe(true);
}
