import { error, redirect } from '@sveltejs/kit';
import QRCode from 'qrcode';
import {
	isJoinCode,
	normaliseJoinCode,
	type ClassConsole,
	type ClassInvitation,
	type StudentCard
} from '$lib/classes';
import { classApi } from '$lib/client/classRequests';
import type { Mine } from '$lib/client/myClasses.svelte';
import type { StudentExercises } from '$lib/exercises/progress';
import { pageOrigin } from '$lib/server/pageOrigin';
import type { PageServerLoad } from './$types';

/**
 * The QR code's look: black on white whatever the site's theme (phone cameras look for dark
 * modules on a light ground), the 4-module quiet zone around it (ISO/IEC 18004 asks for 4), and
 * error correction M (15 % of the code may be unreadable: a projector's glare, a head in front).
 */
const QR_OPTIONS = {
	type: 'svg',
	margin: 4,
	errorCorrectionLevel: 'M',
	color: { dark: '#000000', light: '#ffffff' }
} as const;

/**
 * A class's page, by who asks: its teacher (or the operator) gets the console, with the join URL
 * as a QR code made here, on the server; a student of the class gets their card and their
 * checklists on the exercises handed out (null if the lab did not answer: the page's class
 * channel brings them); anyone else the
 * invitation to join. The page carries the teacher link or the student's password: no cache may
 * keep it.
 */
export const load: PageServerLoad = async ({
	params,
	fetch,
	url,
	platform,
	setHeaders,
	depends
}) => {
	depends('app:class');
	setHeaders({ 'cache-control': 'private, no-store' });
	const code = normaliseJoinCode(params.code);
	if (!isJoinCode(code)) error(404, 'No class has this code.');
	if (code !== params.code) redirect(308, `/class/${code}`);

	const taught = await classApi<ClassConsole>(
		'GET',
		`/api/classes/${code}/console`,
		undefined,
		fetch
	);
	if (taught.ok) {
		const origin = pageOrigin(url, platform);
		const joinUrl = new URL(taught.value.joinPath, origin).href;
		return {
			role: 'teacher' as const,
			console: taught.value,
			joinUrl,
			teacherUrl: new URL(taught.value.teacherPath, origin).href,
			qrSvg: await QRCode.toString(joinUrl, QR_OPTIONS)
		};
	}
	const mine = await classApi<Mine>('GET', '/api/classes/mine', undefined, fetch);
	const card: StudentCard | null = mine.ok ? mine.value.student : null;
	if (card?.code === code) {
		const exercises = await classApi<StudentExercises>(
			'GET',
			`/api/classes/${code}/exercises`,
			undefined,
			fetch
		);
		return { role: 'student' as const, card, exercises: exercises.ok ? exercises.value : null };
	}

	const invitation = await classApi<ClassInvitation>(
		'GET',
		`/api/classes/${code}`,
		undefined,
		fetch
	);
	if (invitation.ok) return { role: 'visitor' as const, invitation: invitation.value };
	if (invitation.status === 410) error(410, 'This class has ended.');
	error(404, 'No class has this code: it may have ended.');
};
