/**
 * Issue 15's class, end to end, through the reverse proxy: the production server behind Debian's
 * nginx (deploy/nginx/smtp-lab.conf, tests/nginx.ts) with VISIBILITY=private and TRUST_PROXY=1, a
 * DATA_DIR of the test's own, one teacher and three students in Chromium, each a browser context
 * of their own (a distinct owner). The teacher starts a class; Ana joins by the code as she types
 * it, Ben by the QR code's join URL, Cy by the code; Ben follows the teacher and his view moves
 * when the teacher presses Next in an example; Ana leaves follow mode and tries it from here (her
 * class login in AUTH, her address in MAIL FROM, nothing of the teacher's resent), then sends
 * herself a message; the teacher watches Ana's session live and puts it in the spotlight; Cy
 * rejoins from a fresh browser; the server restarts on the same DATA_DIR (nginx stays) and the
 * class, its roster and Ana's mail are still there; ending the class deletes its data.
 *
 * Expected values are what the test typed and read on its own pages, and the RFCs': a class
 * address is nickname@<code>.class.test (the class domain the README documents, RFC 2606 §2's
 * .test), AUTH PLAIN's message is [authzid] NUL authcid NUL passwd (RFC 4616 §2).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from '@playwright/test';
import { freePort, startNginx, type Nginx } from '../nginx';
import { startProductionServer, type ProductionServer } from '../productionServer';
import { expect, test } from './fixtures';
import { send } from './labTerminal';
import { joinForm, rejoinForm } from './classes';

const OPERATOR_TOKEN = 'operator-token-of-the-class-proxy-test';
const AS_OPERATOR = { authorization: `Bearer ${OPERATOR_TOKEN}` };

/** The production server behind nginx, restartable on the same DATA_DIR and port. */
class ClassLab {
	server!: ProductionServer;
	proxy!: Nginx;
	readonly dataDir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-class-proxy-'));
	#env: Record<string, string> = {};

	async start() {
		const [listen, upstream] = [await freePort(), await freePort()];
		this.#env = {
			ORIGIN: `http://127.0.0.1:${listen}`,
			VISIBILITY: 'private',
			TRUST_PROXY: '1',
			OPERATOR_TOKEN,
			DATA_DIR: this.dataDir,
			// nginx's upstream is this port: the restarted server must listen on it again.
			PORT: String(upstream)
		};
		this.server = await startProductionServer(this.#env);
		this.proxy = await startNginx(listen, upstream);
	}

	/** Stops the server (SIGTERM: it writes what it holds) and starts it again; nginx stays. */
	async restart() {
		await this.server.stop();
		this.server = await startProductionServer(this.#env);
	}

	get url() {
		return this.proxy.url;
	}

	async stop() {
		await this.proxy?.stop();
		await this.server?.stop();
		rmSync(this.dataDir, { recursive: true, force: true });
	}

	async asOperator<T>(pathname: string): Promise<{ status: number; json: T }> {
		const response = await fetch(`${this.url}${pathname}`, { headers: AS_OPERATOR });
		return { status: response.status, json: (await response.json()) as T };
	}
}

/** Every person's browser context: closed before nginx stops (it waits for their WebSockets). */
const contexts: BrowserContext[] = [];

/** A new person: a browser context with no cookie, and its page. */
async function person(browser: Browser, lab: ClassLab): Promise<Page> {
	const context = await browser.newContext({ baseURL: lab.url });
	contexts.push(context);
	return context.newPage();
}

const followTerminal = (page: Page) => page.getByTestId('follow-terminal');
const banner = (page: Page) => page.getByTestId('follow-banner');
const timelineRows = (within: Page | Locator, dir: 'client' | 'server') =>
	within.locator(`section.timeline li.row.${dir} .text`);

/** What a student's card says once they are in: their address, password and rejoin code. */
interface Card {
	address: string;
	password: string;
	rejoinCode: string;
}

async function readCard(page: Page): Promise<Card> {
	const card = page.getByTestId('student-card');
	await expect(card).toBeVisible();
	await card.getByRole('button', { name: 'Show password' }).click();
	return {
		address: (await card.getByTestId('student-address').textContent())!.trim(),
		password: (await card.getByTestId('student-password').textContent())!.trim(),
		rejoinCode: (await card.getByTestId('rejoin-code').textContent())!.trim()
	};
}

/** Submits the join form as it is filled in now, with `nickname`. */
async function joinAs(page: Page, nickname: string): Promise<Card> {
	const form = joinForm(page);
	await form.getByLabel('Your nickname').fill(nickname);
	await form.getByRole('button', { name: 'Join' }).click();
	return readCard(page);
}

/** The lab's own session on this page (LabSession, exposed for tests as __smtpLab). */
function labSession(page: Page) {
	return page.evaluate(() => {
		const lab = (
			window as unknown as {
				__smtpLab: {
					lab: { session: { id: string } | null; events: { dir: string; text: string }[] };
				};
			}
		).__smtpLab.lab;
		return {
			id: lab.session?.id ?? null,
			client: lab.events.filter((e) => e.dir === 'client').map((e) => e.text)
		};
	});
}

interface StoredSession {
	session: { id: string; authUser: string | null; messageIds: string[] };
	events: { dir: string; text: string }[];
}

async function storedSession(context: BrowserContext, id: string) {
	const response = await context.request.get(`/api/sessions/${id}`);
	return {
		status: response.status(),
		body: response.ok() ? ((await response.json()) as StoredSession) : null
	};
}

async function subjectsSeenBy(context: BrowserContext): Promise<string[]> {
	const response = await context.request.get('/api/messages');
	const { messages } = (await response.json()) as { messages: { subject: string }[] };
	return messages.map((m) => m.subject);
}

test('a class through nginx with VISIBILITY=private: join, follow, try it from here, watch, spotlight, rejoin, restart, end', async ({
	browser
}) => {
	test.setTimeout(240_000);
	const lab = new ClassLab();
	try {
		await lab.start();
		await runClass(browser, lab);
	} finally {
		await Promise.all(contexts.splice(0).map((context) => context.close()));
		await lab.stop();
	}
});

async function runClass(browser: Browser, lab: ClassLab) {
	const teacher = await person(browser, lab);

	// 1. The teacher starts a class; the projector shows its code and the QR code of its join URL.
	await teacher.goto('/class/new');
	await teacher.getByLabel('Class name').fill('Networks 2B');
	await teacher.getByRole('button', { name: 'Start the class' }).click();
	await teacher.waitForURL(/\/class\/[A-Z0-9]{6}$/);
	const code = new URL(teacher.url()).pathname.split('/')[2];
	await expect(teacher.getByTestId('join-code')).toHaveText(code);
	const joinUrl = `${lab.url}/join?code=${code}`;
	await expect(teacher.getByTestId('join-qr')).toHaveAttribute('alt', `QR code of ${joinUrl}`);
	const addressOf = (nickname: string) => `${nickname}@${code.toLowerCase()}.class.test`;

	// 2. Students join. Ana types the code as a person reads it off the projector: lower case, a
	// space between the halves.
	const ana = await person(browser, lab);
	await ana.goto('/join');
	await joinForm(ana)
		.getByLabel('Class code')
		.fill(`${code.slice(0, 3).toLowerCase()} ${code.slice(3).toLowerCase()}`);
	const anaCard = await joinAs(ana, 'ana');
	expect(anaCard.address).toBe(addressOf('ana'));

	// Ben scans the QR code: its join URL (the image's text alternative), opened as is.
	const ben = await person(browser, lab);
	const scanned = (await teacher.getByTestId('join-qr').getAttribute('alt'))!.replace(
		/^QR code of /,
		''
	);
	await ben.goto(scanned);
	await expect(joinForm(ben).getByLabel('Class code')).toHaveValue(code);
	await expect(joinForm(ben).getByTestId('class-found')).toContainText('Networks 2B');
	const benCard = await joinAs(ben, 'ben');
	expect(benCard.address).toBe(addressOf('ben'));

	const cy = await person(browser, lab);
	await cy.goto('/join');
	await joinForm(cy).getByLabel('Class code').fill(code);
	const cyCard = await joinAs(cy, 'cy');
	expect(cyCard.address).toBe(addressOf('cy'));
	// Three owners, three different logins.
	expect(new Set([anaCard, benCard, cyCard].map((card) => card.password)).size).toBe(3);

	await teacher.reload();
	await expect(teacher.getByTestId('roster').getByTestId('roster-nickname')).toHaveText([
		'ana',
		'ben',
		'cy'
	]);

	// 3. Ana and Ben follow the teacher, who types in the lab on submission.
	await ana.goto(`/class/${code}/follow`);
	await ben.goto(`/class/${code}/follow`);
	await teacher.goto('/lab?listener=submission');
	await expect(timelineRows(teacher, 'server').first()).toHaveText(/^220 /);
	await expect(banner(ben)).toHaveText("The teacher's session");
	await teacher.locator('.xterm-helper-textarea').focus();
	await send(teacher, 'EHLO teacher.example.test', /^250 /);
	await expect(followTerminal(ben)).toContainText('EHLO teacher.example.test');
	await send(teacher, 'STARTTLS', /^220 /);
	await send(teacher, 'EHLO teacher.example.test', /^250 /);
	// The sandbox's shared account alice / wonderland: \0alice\0wonderland (RFC 4616 §2).
	await send(
		teacher,
		`AUTH PLAIN ${Buffer.from('\0alice\0wonderland').toString('base64')}`,
		/^235 /
	);
	// One message sent by the teacher, then the next transaction begun.
	await send(teacher, 'MAIL FROM:<alice@example.com>', /^250 /);
	await send(teacher, 'RCPT TO:<bob@example.com>', /^250 /);
	await send(teacher, 'DATA', /^354 /);
	await send(teacher, "Subject: The teacher's message");
	await send(teacher, '');
	await send(teacher, 'Sent once, by the teacher.');
	await send(teacher, '.', /^250 /);
	await send(teacher, 'MAIL FROM:<alice@example.com>', /^250 /);
	await expect(timelineRows(ana, 'client').last()).toHaveText('MAIL FROM:<alice@example.com>');
	await expect(followTerminal(ana)).toContainText("Subject: The teacher's message");
	const teacherSession = (await labSession(teacher)).id!;

	// 4. Ana leaves follow mode and tries it from here: a session of her own at the teacher's point.
	await ana.getByRole('link', { name: 'Try it from here' }).click();
	await ana.waitForURL(/\/lab\?from=/);
	await expect(ana.getByTestId('catch-up')).toHaveText(
		/^Your session is at the teacher's point:.*AUTH\s✓.*MAIL\s✓/s
	);
	const anaLab = await labSession(ana);
	expect(anaLab.id).not.toBe(teacherSession);
	// Her page holds her own AUTH line unmasked: her class login (RFC 4616 §2).
	const authLines = anaLab.client.filter((line) => /^AUTH /i.test(line));
	expect(authLines).toHaveLength(1);
	const [, mechanism, initial] = authLines[0].split(' ');
	expect(mechanism.toUpperCase()).toBe('PLAIN');
	const [, authcid, passwd] = Buffer.from(initial, 'base64').toString('utf8').split('\0');
	expect([authcid, passwd]).toEqual([anaCard.address, anaCard.password]);
	// What the sandbox recorded: her login, her address in MAIL FROM, no DATA, nothing of the
	// teacher's — neither the account nor the message.
	const anaSessionId = anaLab.id!;
	const recorded = (await storedSession(ana.context(), anaSessionId)).body!;
	expect(recorded.session.authUser).toBe(anaCard.address);
	const anaLines = recorded.events.filter((e) => e.dir === 'client').map((e) => e.text);
	expect(anaLines).toContain(`MAIL FROM:<${anaCard.address}>`);
	for (const line of anaLines.filter((l) => /^RCPT /i.test(l)))
		expect(line).toBe(`RCPT TO:<${anaCard.address}>`);
	expect(anaLines.join('\n')).not.toMatch(/alice|wonderland|^DATA|teacher's message/im);
	expect(recorded.session.messageIds).toEqual([]);
	const everyMessage = await lab.asOperator<{ messages: { subject: string }[] }>('/api/messages');
	expect(everyMessage.json.messages.map((m) => m.subject)).toEqual(["The teacher's message"]);

	// She types on, and sends herself a message.
	await ana.locator('.xterm-helper-textarea').focus();
	await send(ana, `RCPT TO:<${anaCard.address}>`, /^250 /);
	await send(ana, 'DATA', /^354 /);
	await send(ana, 'Subject: Ana tries it');
	await send(ana, '');
	await send(ana, 'My own message.');
	await send(ana, '.', /^250 /);

	// 5. The teacher watches Ana's session live from the console's roster, and shows it to the
	// class: Ben, following, sees Ana's session.
	await teacher.goto(`/class/${code}`);
	await teacher.getByTestId('roster').getByRole('button', { name: 'Watch ana' }).click();
	const watched = teacher.getByTestId('watched-student');
	await expect(timelineRows(watched, 'client')).toContainText([`MAIL FROM:<${anaCard.address}>`]);
	await send(ana, 'NOOP', /^250 /);
	await expect(timelineRows(watched, 'client').last()).toHaveText('NOOP');
	await watched.getByRole('button', { name: /^Show to the class/ }).click();
	await expect(banner(ben)).toHaveText("Spotlight: ana's session");
	await expect(followTerminal(ben)).toContainText(`MAIL FROM:<${anaCard.address}>`);
	await expect(timelineRows(ben, 'client').last()).toHaveText('NOOP');
	// And reads its mail while it is in the spotlight, like the teacher's.
	expect(await subjectsSeenBy(ben.context())).toContain('Ana tries it');
	await teacher.getByRole('button', { name: 'Back to my session' }).click();
	await expect(banner(ben)).not.toHaveText(/Spotlight/);
	// Out of the spotlight, Ana's session and mail are hers again, not her classmates'.
	expect((await storedSession(ben.context(), anaSessionId)).status).toBe(404);
	expect(await subjectsSeenBy(ben.context())).not.toContain('Ana tries it');
	await send(ana, 'QUIT', /^221 /);

	// 6. The teacher opens an example: every Next moves Ben's step to the teacher's.
	await teacher.goto('/examples/first-message');
	await expect(teacher.locator('.player')).toHaveAttribute('data-status', 'ready');
	await expect(ben.getByTestId('followed-step')).toHaveText('Introduction');
	for (let i = 0; i < 2; i++) {
		await teacher.getByRole('button', { name: 'Next' }).click();
		const kicker = teacher.locator('.narration .kicker');
		await expect(kicker).toHaveText(new RegExp(`^Step ${i + 1} of \\d+$`));
		const title = (await teacher.getByTestId('step-title').textContent())!.trim();
		await expect(ben.getByTestId('followed-step')).toHaveText(
			`${(await kicker.textContent())!.trim()}: ${title}`
		);
	}

	// 7. Cy's laptop is swapped: a fresh browser, the code, the nickname and the rejoin code.
	await cy.context().close();
	const cyAgain = await person(browser, lab);
	await cyAgain.goto('/join');
	const rejoin = rejoinForm(cyAgain);
	await rejoin.getByLabel('Class code').fill(code);
	await rejoin.getByLabel('Your nickname').fill('cy');
	await rejoin.getByLabel('Rejoin code').fill(cyCard.rejoinCode);
	await rejoin.getByRole('button', { name: 'Rejoin' }).click();
	expect(await readCard(cyAgain)).toEqual(cyCard);

	// 8. The server restarts on the same DATA_DIR behind the same nginx, with Ana's session in the
	// spotlight.
	await teacher.goto(`/class/${code}`);
	await teacher
		.getByTestId('roster')
		.getByRole('button', { name: /^Show to the class\W+ana’s session$/ })
		.click();
	await expect(banner(ben)).toHaveText("Spotlight: ana's session");
	await lab.restart();
	// The spotlight is the class's: kept, for a follow view opened anew and for what Ben may read.
	await ben.reload();
	await expect(banner(ben)).toHaveText("Spotlight: ana's session");
	await expect(timelineRows(ben, 'client').last()).toHaveText('QUIT');
	expect(await subjectsSeenBy(ben.context())).toContain('Ana tries it');
	await teacher.reload();
	await teacher.getByRole('button', { name: 'Back to my session' }).click();
	await expect(banner(ben)).not.toHaveText(/Spotlight/);
	expect(await subjectsSeenBy(ben.context())).not.toContain('Ana tries it');
	await teacher.goto(`/class/${code}`);
	await expect(teacher.getByTestId('join-code')).toHaveText(code);
	await expect(teacher.getByTestId('roster').getByTestId('roster-nickname')).toHaveText([
		'ana',
		'ben',
		'cy'
	]);
	// Ana's mail and session are still hers, under the same cookie.
	await ana.goto('/mailbox');
	await expect(ana.getByText('Ana tries it').first()).toBeVisible();
	const kept = await storedSession(ana.context(), anaSessionId);
	expect(kept.status).toBe(200);
	const keptLines = kept.body!.events.filter((e) => e.dir === 'client').map((e) => e.text);
	expect(keptLines.join('\n')).toContain('Subject: Ana tries it');
	// Cy's rejoined browser is still Cy; a stranger sees nothing of the class.
	await cyAgain.goto(`/class/${code}`);
	await expect(cyAgain.getByTestId('student-address')).toHaveText(cyCard.address);
	const stranger = await person(browser, lab);
	await stranger.goto('/');
	expect((await storedSession(stranger.context(), anaSessionId)).status).toBe(404);
	expect(await subjectsSeenBy(stranger.context())).toEqual([]);

	// 9. The teacher ends the class: its data is deleted, for the operator too.
	await expect(
		teacher.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Your class' })
	).toHaveAttribute('href', `/class/${code}`);
	await teacher.getByRole('button', { name: 'End class…' }).click();
	await teacher
		.getByRole('dialog', { name: 'End the class Networks 2B and delete its data?' })
		.getByRole('button', { name: 'End the class and delete its data' })
		.click();
	await expect(teacher.getByRole('status')).toContainText('has ended');
	// Ben, still following, is told at once.
	await expect(ben.getByTestId('class-ended')).toContainText('The class has ended');

	expect((await storedSession(ana.context(), anaSessionId)).status).toBe(404);
	expect((await lab.asOperator(`/api/sessions/${anaSessionId}`)).status).toBe(404);
	expect((await lab.asOperator(`/api/sessions/${teacherSession}`)).status).toBe(404);
	const left = await lab.asOperator<{ messages: { subject: string }[] }>('/api/messages');
	expect(left.json.messages.map((m) => m.subject)).toEqual([]);
	const permalink = await ana.goto(`/sessions/${anaSessionId}`);
	expect(permalink?.status()).toBe(404);
	await ben.goto(`/join?code=${code}`);
	const codeField = joinForm(ben).getByLabel('Class code');
	await expect(codeField).toHaveAttribute('aria-invalid', 'true');
	await expect(codeField).toHaveAccessibleDescription(/has ended|No class has the code/);
}

/**
 * The README's pictures of a class (Teaching a class): the teacher's console on the projector with
 * three students in, a student's follow view while the teacher types, and the live roster with a
 * student watched. Taken at 1280×720 into
 * test-results/screenshots/ by `npm run screenshots`; static/screenshots/ holds the copies the
 * README shows.
 */
test('README pictures of a class', { tag: '@screenshots' }, async ({ browser, baseURL }) => {
	test.setTimeout(120_000);
	const newPage = async () => {
		const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 720 } });
		contexts.push(context);
		return context.newPage();
	};
	try {
		const teacher = await newPage();
		await teacher.goto('/class/new');
		await teacher.getByLabel('Class name').fill('Networks 2B — SMTP');
		await teacher.getByRole('button', { name: 'Start the class' }).click();
		await teacher.waitForURL(/\/class\/[A-Z0-9]{6}$/);
		const code = new URL(teacher.url()).pathname.split('/')[2];
		const students: Page[] = [];
		for (const nickname of ['ana', 'ben', 'chen']) {
			const student = await newPage();
			await student.goto(`/join?code=${code}`);
			await joinAs(student, nickname);
			students.push(student);
		}
		await teacher.reload();
		await expect(teacher.getByTestId('roster').getByTestId('roster-nickname')).toHaveCount(3);
		await teacher.screenshot({ path: 'test-results/screenshots/readme-class-console.png' });

		const follower = students[0];
		await follower.goto(`/class/${code}/follow`);
		await teacher.goto('/lab?listener=submission');
		await expect(timelineRows(teacher, 'server').first()).toHaveText(/^220 /);
		await teacher.locator('.xterm-helper-textarea').focus();
		await send(teacher, 'EHLO teacher.example.test', /^250 /);
		await send(teacher, 'STARTTLS', /^220 /);
		await send(teacher, 'EHLO teacher.example.test', /^250 /);
		await send(
			teacher,
			`AUTH PLAIN ${Buffer.from('\0alice\0wonderland').toString('base64')}`,
			/^235 /
		);
		await send(teacher, 'MAIL FROM:<alice@example.com>', /^250 /);
		await send(teacher, `RCPT TO:<ana@${code.toLowerCase()}.class.test>`, /^250 /);
		await expect(timelineRows(follower, 'client').last()).toHaveText(
			`RCPT TO:<ana@${code.toLowerCase()}.class.test>`
		);
		await expect(follower.getByRole('link', { name: 'Try it from here' })).toBeVisible();
		await follower.screenshot({ path: 'test-results/screenshots/readme-class-follow.png' });

		// Ana tries it from here and mistypes a classmate's address; the teacher watches her.
		await follower.getByRole('link', { name: 'Try it from here' }).click();
		await expect(follower.getByTestId('catch-up')).toHaveText(/^Your session is at/);
		await follower.locator('.xterm-helper-textarea').focus();
		await send(follower, `RCPT TO:<bne@${code.toLowerCase()}.class.test>`, /^550 /);
		await teacher.goto(`/class/${code}`);
		await teacher.getByTestId('roster').getByRole('button', { name: 'Watch ana' }).click();
		const watched = teacher.getByTestId('watched-student');
		await expect(timelineRows(watched, 'server').last()).toHaveText(/^550 /);
		await teacher.getByTestId('roster').scrollIntoViewIfNeeded();
		await teacher.screenshot({ path: 'test-results/screenshots/readme-class-dashboard.png' });
	} finally {
		await Promise.all(contexts.splice(0).map((context) => context.close()));
	}
});
