import { describe, expect, it } from 'vitest';
import {
	deliveryStatusFieldTable,
	deliveryStatusFieldsByName,
	parseDeliveryStatus,
	reportPartTable,
	reportPartsByType
} from './deliveryStatusFields';

describe('delivery status fields (RFC 3464 §2.2–2.3)', () => {
	it.each([
		// [field, group, section, required]
		['Original-Envelope-Id', 'per-message', '2.2.1', false],
		['Reporting-MTA', 'per-message', '2.2.2', true],
		['DSN-Gateway', 'per-message', '2.2.3', false],
		['Received-From-MTA', 'per-message', '2.2.4', false],
		['Arrival-Date', 'per-message', '2.2.5', false],
		['Original-Recipient', 'per-recipient', '2.3.1', false],
		['Final-Recipient', 'per-recipient', '2.3.2', true],
		['Action', 'per-recipient', '2.3.3', true],
		['Status', 'per-recipient', '2.3.4', true],
		['Remote-MTA', 'per-recipient', '2.3.5', false],
		['Diagnostic-Code', 'per-recipient', '2.3.6', false],
		['Last-Attempt-Date', 'per-recipient', '2.3.7', false],
		['Final-Log-ID', 'per-recipient', '2.3.8', false],
		['Will-Retry-Until', 'per-recipient', '2.3.9', false]
	] as const)('%s', (name, group, section, required) => {
		const row = deliveryStatusFieldsByName.get(name.toLowerCase())!;
		expect(row).toBeDefined();
		expect(row.group).toBe(group);
		expect(row.required).toBe(required);
		expect(row.rfc).toEqual([{ rfc: 3464, section }]);
		expect(row.summary.length).toBeGreaterThan(20);
	});

	it('has one row per field and unique refs', () => {
		expect(new Set(deliveryStatusFieldTable.map((r) => r.ref)).size).toBe(
			deliveryStatusFieldTable.length
		);
	});
});

describe('report parts (RFC 6522 §3, RFC 3464 §2, RFC 3461 §4.3)', () => {
	it.each([
		['multipart/report', 6522],
		['text/plain', 6522],
		['message/delivery-status', 3464],
		['text/rfc822-headers', 6522],
		['message/rfc822', 2046]
	])('%s cites RFC %i', (type, rfc) => {
		expect(reportPartsByType.get(type)?.rfc[0].rfc).toBe(rfc);
	});

	it('every row is keyed by its content type', () => {
		for (const row of reportPartTable) expect(row.title).toBe(row.contentType);
	});
});

describe('parseDeliveryStatus (RFC 3464 §2.1)', () => {
	const body = [
		'Reporting-MTA: dns; sandbox.test',
		'Arrival-Date: Sat, 28 Nov 2026 05:21:06 +0000',
		'',
		'Original-Recipient: rfc822;bob@example.com',
		'Final-Recipient: rfc822; bob@example.com',
		'Action: failed',
		'Status: 5.1.1',
		'Diagnostic-Code: smtp; 550 5.1.1 Mailbox',
		'  does not exist',
		'',
		'Final-Recipient: rfc822; carol@example.com',
		'Action: delivered',
		'Status: 2.0.0',
		''
	].join('\r\n');

	it('splits per-message and per-recipient groups', () => {
		const status = parseDeliveryStatus(body);
		expect(status.perMessage.map((f) => f.name)).toEqual(['Reporting-MTA', 'Arrival-Date']);
		expect(status.perRecipient).toHaveLength(2);
		expect(status.perRecipient[1]).toEqual([
			{ name: 'Final-Recipient', value: 'rfc822; carol@example.com' },
			{ name: 'Action', value: 'delivered' },
			{ name: 'Status', value: '2.0.0' }
		]);
	});

	it('unfolds continuation lines', () => {
		const diag = parseDeliveryStatus(body).perRecipient[0].find(
			(f) => f.name === 'Diagnostic-Code'
		);
		expect(diag?.value).toBe('smtp; 550 5.1.1 Mailbox does not exist');
	});

	it.each([
		['', 0, 0],
		['garbage without colon', 0, 0],
		['\r\n\r\nReporting-MTA: dns; x\r\n\r\n\r\nAction: failed', 1, 1],
		['Reporting-MTA: dns; x\n\nAction: failed\n', 1, 1] // bare LF
	])('%j', (text, message, recipients) => {
		const s = parseDeliveryStatus(text);
		expect(s.perMessage.length).toBe(message);
		expect(s.perRecipient.length).toBe(recipients);
	});
});
