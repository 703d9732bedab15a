import { error } from '@sveltejs/kit';
import type { PageLoad } from './$types';
import { isTab, type TabId } from './tabs';

export const load: PageLoad = ({ params }) => {
	const tab = params.tab ?? 'anatomy';
	if (!isTab(tab)) error(404, `No tab called “${params.tab}”.`);
	return { tab: tab as TabId };
};
