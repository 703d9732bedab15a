/** The views of one message, in tab order; the first is the default (/mailbox/<id>). */
export const TABS = [
	{ id: 'anatomy', label: 'Anatomy' },
	{ id: 'envelope', label: 'Envelope vs headers' },
	{ id: 'source', label: 'Source' },
	{ id: 'rendered', label: 'Rendered' },
	{ id: 'attachments', label: 'Attachments' },
	{ id: 'delivery', label: 'Delivery' },
	{ id: 'authentication', label: 'Authentication' }
] as const;

export type TabId = (typeof TABS)[number]['id'];

export function isTab(value: string): value is TabId {
	return TABS.some((t) => t.id === value);
}
