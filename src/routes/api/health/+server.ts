import { json } from '@sveltejs/kit';
import { answer, labApi } from '$lib/server/labAccess';

export const GET = () => answer(() => json({ ok: true, ...labApi().health() }));
