/**
 * Zone editing's side of server/labApi.ts (issue 20): the owner of a personal domain, or the
 * teacher of a class, replaces the domain's TXT records (SPF, DMARC, DKIM keys, anything) on
 * /dns. One method per route under /api/dns; each answers a ZoneEditView or RecordCheck
 * (src/lib/auth/recordChecks.ts), or a refusal with its HTTP status. Only one's own zone: another
 * existing domain is 403, a domain that does not exist (now) 404. An edit is in the store at
 * once, and the sandbox DNS reads the store at every question: the next lookup sees it.
 */
import type { TxtRecordRow } from '../../src/lib/auth/authDomains';
import type { RecordCheck, ZoneEditView } from '../../src/lib/auth/recordChecks';
import { classDomain } from '../../src/lib/classes';
import {
	checkRecord,
	draftZone,
	ownerName,
	recordKind,
	type CheckContext
} from '../auth/recordCheck';
import type { ClassDirectory } from '../classes/classDirectory';
import type { LabConfig } from '../config';
import type { OwnerDirectory } from '../owners/ownerDirectory';
import { personalDomain } from '../owners/ownerNames';
import type { Viewer } from '../owners/visibility';
import type { LabStore } from '../store/labStore';
import { normalName, type SandboxZone } from './sandboxZone';

/** What a zone route gets: the answer, or the status and error it answers with. */
export type ZoneResult<T> =
	{ ok: true; value: T } | { ok: false; status: number; error: string; problems?: RecordCheck[] };

export interface ZoneApi {
	/**
	 * The largest request body a zone route reads (413 past it): every record at its limits, with
	 * room for JSON's escapes.
	 */
	readonly maxBodyBytes: number;
	/** GET /api/dns/zones: the domains this viewer may edit. `known`: it came with its cookie. */
	list(viewer: Viewer, known: boolean): Promise<ZoneEditView[]>;
	/** GET /api/dns/zones/[domain] */
	get(viewer: Viewer, domain: string): Promise<ZoneResult<ZoneEditView>>;
	/** PUT /api/dns/zones/[domain]: `body` as sent, `{ records: [{ name, value }] }`. */
	put(viewer: Viewer, domain: string, body: unknown): Promise<ZoneResult<ZoneEditView>>;
	/** DELETE /api/dns/zones/[domain]: back to the defaults. */
	reset(viewer: Viewer, domain: string): Promise<ZoneResult<ZoneEditView>>;
	/** POST /api/dns/check: `body` as sent, `{ name, value, domain }`. */
	check(viewer: Viewer, body: unknown): Promise<ZoneResult<RecordCheck>>;
}

const PUT_SHAPE = 'the body must be JSON: { "records": [{ "name": "@", "value": "v=spf1 …" }, …] }';
const CHECK_SHAPE = 'the body must be JSON: { "name": "@", "value": "v=spf1 …", "domain": "…" }';
/** A JSON string may spell one octet as `\u00XX`: six characters. */
const JSON_ESCAPE_FACTOR = 6;
/** A relative record name is at most this long (a DNS name, RFC 1035 §2.3.4). */
const NAME_MAX_CHARACTERS = 253;
/** The object, the keys and the separators around each record, and the body's own. */
const JSON_OVERHEAD = 64;

function refused<T>(status: number, error: string): ZoneResult<T> {
	return { ok: false, status, error };
}

function isRecordRow(value: unknown): value is TxtRecordRow {
	return (
		typeof value === 'object' &&
		value !== null &&
		typeof (value as TxtRecordRow).name === 'string' &&
		typeof (value as TxtRecordRow).value === 'string'
	);
}

export function createZoneApi(options: {
	zone: SandboxZone;
	store: LabStore;
	owners: OwnerDirectory;
	classes: ClassDirectory;
	config: Pick<LabConfig, 'zoneMaxTxtRecords' | 'zoneMaxTxtBytes'>;
}): ZoneApi {
	const { zone, store, owners, classes, config } = options;
	const context: CheckContext = {
		dkimSelector: zone.options.dkimSelector,
		dkimKeyRecord: zone.options.dkimKeyRecord
	};
	const recordBodyBytes =
		(config.zoneMaxTxtBytes + NAME_MAX_CHARACTERS) * JSON_ESCAPE_FACTOR + JSON_OVERHEAD;

	/** Whose the domain is: personal (its owner's) or a class's (its teacher's); undefined: none. */
	const domainOf = (domain: string) => {
		const d = normalName(domain);
		const owner = store.ownerByDomain(d);
		if (owner) return { domain: d, kind: 'personal' as const, editor: owner.id };
		const room = classes.classOfDomain(d);
		if (room) return { domain: d, kind: 'class' as const, editor: room.teacherOwnerId };
		return undefined;
	};

	const checks = (domain: string, records: readonly TxtRecordRow[]) => {
		const draft = draftZone(zone, domain, records);
		return Promise.all(records.map((r) => checkRecord(r.name, r.value, domain, draft, context)));
	};

	const view = async (
		domain: string,
		kind: ZoneEditView['kind']
	): Promise<ZoneEditView | undefined> => {
		const published = zone.ownTxt(domain);
		if (!published) return undefined;
		return {
			domain,
			kind,
			records: published.records.map(({ name, value }) => ({ name, value })),
			edited: published.edited,
			defaults: zone.ownDefaults(),
			dkimSelector: context.dkimSelector,
			checks: await checks(domain, published.records)
		};
	};

	/** The viewer's own zone, or why not. */
	const mine = (
		viewer: Viewer,
		domain: string
	): ZoneResult<{ domain: string; kind: ZoneEditView['kind'] }> => {
		const found = domainOf(domain);
		if (!found || !zone.ownTxt(found.domain))
			return refused(404, `no personal or class domain ${domain} exists in the sandbox`);
		if (found.editor !== viewer.ownerId)
			return refused(
				403,
				found.kind === 'personal'
					? `${found.domain} is another owner's personal domain: only its owner edits its records`
					: `${found.domain} is a class's domain: only its teacher edits its records`
			);
		return { ok: true, value: { domain: found.domain, kind: found.kind } };
	};

	const answer = async (
		viewer: Viewer,
		domain: string,
		change?: () => ZoneResult<never> | Promise<ZoneResult<never> | undefined> | undefined
	): Promise<ZoneResult<ZoneEditView>> => {
		const own = mine(viewer, domain);
		if (!own.ok) return own;
		const refusal = change ? await change() : undefined;
		if (refusal) return refusal;
		return { ok: true, value: (await view(own.value.domain, own.value.kind))! };
	};

	return {
		maxBodyBytes: config.zoneMaxTxtRecords * recordBodyBytes + JSON_OVERHEAD,
		list: async (viewer, known) => {
			const domains: { domain: string; kind: ZoneEditView['kind'] }[] = [];
			// A request without its owner cookie has no personal domain to edit (none is made for it).
			if (known)
				domains.push({
					domain: personalDomain(owners.owner(viewer.ownerId).name),
					kind: 'personal'
				});
			for (const room of store.classesTaughtBy(viewer.ownerId))
				domains.push({ domain: classDomain(room.code), kind: 'class' });
			const views = await Promise.all(domains.map(({ domain, kind }) => view(domain, kind)));
			return views.filter((v): v is ZoneEditView => v !== undefined);
		},
		get: (viewer, domain) => answer(viewer, domain),
		put: (viewer, domain, body) =>
			answer(viewer, domain, async () => {
				const records = (body as { records?: unknown } | null)?.records;
				if (!Array.isArray(records) || !records.every(isRecordRow)) return refused(400, PUT_SHAPE);
				if (records.length > config.zoneMaxTxtRecords)
					return refused(
						413,
						`${records.length} records: a domain may publish at most ${config.zoneMaxTxtRecords} TXT records (ZONE_MAX_TXT_RECORDS)`
					);
				const long = records.find(
					(r) => Buffer.byteLength(r.value, 'utf8') > config.zoneMaxTxtBytes
				);
				if (long)
					return refused(
						413,
						`the record ${long.name} is ${Buffer.byteLength(long.value, 'utf8')} octets: a TXT record's value may be at most ${config.zoneMaxTxtBytes} octets (ZONE_MAX_TXT_BYTES)`
					);
				const rows = records.map((r) => ({ name: r.name.trim(), value: r.value }));
				const found = await checks(normalName(domain), rows);
				const malformed = found.filter((check) => !check.ok);
				if (malformed.length)
					return {
						ok: false,
						status: 400,
						error: `${malformed.length} of the records ${malformed.length === 1 ? 'is' : 'are'} malformed; nothing was saved`,
						problems: malformed
					};
				store.setZoneTxt(normalName(domain), rows);
				return undefined;
			}),
		reset: (viewer, domain) =>
			answer(viewer, domain, () => {
				store.setZoneTxt(normalName(domain), null);
				return undefined;
			}),
		check: async (viewer, body) => {
			const fields = body as Record<string, unknown> | null;
			const { name, value, domain } = fields ?? {};
			if (typeof name !== 'string' || typeof value !== 'string' || typeof domain !== 'string')
				return refused(400, CHECK_SHAPE);
			const own = mine(viewer, domain);
			if (!own.ok) return own;
			if (Buffer.byteLength(value, 'utf8') > config.zoneMaxTxtBytes)
				return refused(
					413,
					`the value is ${Buffer.byteLength(value, 'utf8')} octets: a TXT record's value may be at most ${config.zoneMaxTxtBytes} octets (ZONE_MAX_TXT_BYTES)`
				);
			// The record as it would be published: in place of the one of its kind at that name.
			const current = zone.ownTxt(own.value.domain)!.records;
			const owner = ownerName(name.trim(), own.value.domain);
			const kind = recordKind(name.trim(), value);
			const draft = [
				...current.filter(
					(r) =>
						ownerName(r.name, own.value.domain) !== owner || recordKind(r.name, r.value) !== kind
				),
				{ name: name.trim(), value }
			];
			return {
				ok: true,
				value: await checkRecord(
					name.trim(),
					value,
					own.value.domain,
					draftZone(zone, own.value.domain, draft),
					context
				)
			};
		}
	};
}
