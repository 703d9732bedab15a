import { describe, expect, test } from 'vitest';
import { annotateTranscript, parseTranscript } from '../index';
import { commandTable, parameterTable } from '../tables/commands';
import { enhancedCodeTable } from '../tables/enhancedCodes';
import { extensionTable } from '../tables/extensions';
import { headerFieldTable } from '../tables/headerFields';
import { replyCodeTable } from '../tables/replyCodes';
import {
	findReferenceEntry,
	referenceEntries,
	referencePaths,
	searchReference
} from './referenceIndex';
import { stateTable } from '../protocol/stateMachine';
import { systemEventTable } from '../tables/systemEvents';

function resolves(ref: string): boolean {
	const [section, slug] = ref.split('/');
	return findReferenceEntry(section, slug) !== undefined;
}

describe('every ref an annotation can carry has a reference page', () => {
	test('every table row the annotator links to', () => {
		const refs = [
			...commandTable.map((r) => r.ref),
			...parameterTable.map((r) => r.ref),
			...replyCodeTable.map((r) => r.ref),
			...extensionTable.map((r) => r.ref),
			...headerFieldTable.map((r) => r.ref),
			...stateTable.map((r) => r.ref),
			...systemEventTable.map((r) => `events/${r.kind}`),
			'commands/auth',
			'states/data',
			'replies/250'
		];
		expect(refs.filter((r) => !resolves(r))).toEqual([]);
	});
	test('the refs of an annotated session with TLS, AUTH, pipelining, DATA, errors and garbage', () => {
		const events = parseTranscript(`=== Connected to lab.example.
<-  220 lab.example ESMTP
 -> EHLO me.example
<-  250-lab.example
<-  250-PIPELINING
<-  250-SIZE 10485760
<-  250-STARTTLS
<-  250-X-VENDOR thing
<-  250 AUTH PLAIN LOGIN
 -> STARTTLS
<-  220 2.0.0 Ready to start TLS
=== TLS started with cipher TLSv1.3:TLS_AES_256_GCM_SHA384:256
 ~> EHLO me.example
<~  250 AUTH PLAIN LOGIN
 ~> AUTH LOGIN
<~  334 VXNlcm5hbWU6
 ~> YWxpY2U=
<~  334 UGFzc3dvcmQ6
 ~> c2VjcmV0
<~  235 2.7.0 Authentication successful
 ~> MAIL FROM:<a@me.example> SIZE=100
 ~> RCPT TO:<nobody@lab.example>
 ~> RCPT TO:<b@lab.example> NOTIFY=FAILURE
 ~> DATA
<~  250 2.1.0 OK
<~* 550 5.1.1 No such user
<~  250 2.1.5 OK
<~  354 go ahead
 ~> From: a@me.example
 ~> List-Unsubscribe: <https://me.example/u>
 ~> X-Custom: 1
 ~>
 ~> ..dot-stuffed
 ~> .
<~  250 2.6.0 queued
 ~> FOO
<~* 500 5.5.2 What?
 ~> QUIT
<~  221 2.0.0 Bye
this line is garbage
=== Connection closed with remote host.`);
		const refs = events.map((e) => e.annotation.ref).filter((r): r is string => !!r);
		expect(refs.length).toBeGreaterThan(30);
		expect(refs.filter((r) => !resolves(r))).toEqual([]);
		const d1 = annotateTranscript([{ dir: 'server', text: '599 odd' }]);
		expect(d1[0].ref).toBeUndefined();
	});
});

describe('reference entries', () => {
	test('refs are unique and every related link resolves', () => {
		const entries = referenceEntries();
		expect(new Set(entries.map((e) => e.ref)).size).toBe(entries.length);
		const broken: string[] = [];
		for (const path of referencePaths()) {
			const entry = findReferenceEntry(path.section, path.slug);
			if (!entry) {
				broken.push(`${path.section}/${path.slug}`);
				continue;
			}
			for (const f of entry.facts) if (f.ref && !resolves(f.ref)) broken.push(f.ref);
			for (const group of entry.related)
				for (const l of group.links) if (l.ref && !resolves(l.ref)) broken.push(l.ref);
		}
		expect(broken).toEqual([]);
	});
	test.each([
		// [section, slug, title contains] — the deep links the issue names
		['commands', 'rcpt', 'RCPT'],
		['replies', '550', '550'],
		['enhanced', '5.1.1', 'Bad destination mailbox address'],
		['extensions', 'pipelining', 'PIPELINING'],
		['headers', 'list-unsubscribe', 'List-Unsubscribe'],
		['states', 'data', 'message content'],
		['events', 'note', 'Note'],
		['auth', 'plain', 'PLAIN'],
		['enhanced', 'x.1.1', 'X.1.1'],
		['enhanced', '5.x.x', 'Permanent'],
		['enhanced', 'x.7.x', 'Security'],
		['replies', '4yz', 'Transient']
	])('%s/%s', (section, slug, title) => {
		expect(findReferenceEntry(section, slug)?.title).toContain(title);
	});
	test('a reply lists its enhanced codes in context and the commands that get it', () => {
		const e = findReferenceEntry('replies', '550')!;
		const links = e.related.flatMap((r) => r.links.map((l) => l.ref));
		expect(links).toContain('enhanced/5.1.1');
		expect(links).toContain('commands/rcpt');
		expect(e.related.map((r) => r.heading)).toContain('Meaning in context');
	});
	test('a command lists its replies', () => {
		const e = findReferenceEntry('commands', 'rcpt')!;
		const links = e.related.flatMap((r) => r.links.map((l) => l.ref));
		expect(links).toEqual(expect.arrayContaining(['replies/250', 'replies/550']));
	});
	test('an unregistered enhanced detail falls back to class and subject', () => {
		const e = findReferenceEntry('enhanced', '5.1.99')!;
		expect(e.title).toMatch(/not in the registry/);
		expect(e.facts.map((f) => f.ref)).toContain('enhanced/x.1.x');
		expect(findReferenceEntry('enhanced', '5.9.1')?.title).toMatch(/Unregistered subject/);
	});
	test.each([
		['commands', 'nope'],
		['nope', 'rcpt'],
		['enhanced', '3.1.1'],
		['enhanced', '5.1'],
		['replies', '999']
	])('unknown %s/%s is undefined (a 404)', (section, slug) => {
		expect(findReferenceEntry(section, slug)).toBeUndefined();
	});
	test('every registered enhanced code is prerendered in each class', () => {
		const paths = new Set(referencePaths().map((p) => `${p.section}/${p.slug}`));
		for (const e of enhancedCodeTable)
			for (const d of [2, 4, 5]) expect(paths).toContain(`enhanced/${d}${e.key.slice(1)}`);
	});
});

describe('searchReference', () => {
	const all = referenceEntries();
	test.each([
		['', all.length],
		['   ', all.length]
	])('%j matches everything', (q, n) => {
		expect(searchReference(all, q)).toHaveLength(n);
	});
	test.each([
		['550', 'replies/550'],
		['5.1.1', 'enhanced/x.1.1'], // a concrete code finds its registry row
		['unsubscribe', 'headers/list-unsubscribe'],
		['PIPELINING', 'extensions/pipelining'],
		['rcpt notify', 'commands/rcpt-notify']
	])('%j finds %s', (q, ref) => {
		expect(searchReference(all, q).map((e) => e.ref)).toContain(ref);
	});
	test('no match', () => {
		expect(searchReference(all, 'zzzz-nothing')).toEqual([]);
	});
	// Issue 10 §12: the words a beginner types find a glossary entry.
	test.each([
		['IMAP', 'glossary/imap'],
		['imap', 'glossary/imap'],
		['POP3', 'glossary/pop3'],
		['pop', 'glossary/pop3'],
		['587', 'glossary/port-587'],
		['port 587', 'glossary/port-587'],
		['465', 'glossary/port-465'],
		['25', 'glossary/port-25'],
		['Port 25', 'glossary/port-25'],
		['2525', 'glossary/port-2525'],
		['MX', 'glossary/mx'],
		['mx record', 'glossary/mx'],
		['spam', 'glossary/spam'],
		['Spam', 'glossary/spam'],
		['bounce', 'glossary/bounce'],
		['DSN', 'glossary/bounce'],
		['DNS', 'glossary/dns'],
		['MIME', 'glossary/mime'],
		['envelope', 'glossary/envelope'],
		['header', 'glossary/header'],
		['STARTTLS', 'glossary/starttls'],
		['submission', 'glossary/submission'],
		['relay', 'glossary/relay'],
		['open relay', 'glossary/relay'],
		['greylisting', 'glossary/greylisting'],
		['graylisting', 'glossary/greylisting'],
		['TLS', 'glossary/tls'],
		['ssl', 'glossary/tls']
	])('%j finds %s', (q, ref) => {
		expect(searchReference(all, q).map((e) => e.ref)).toContain(ref);
	});
});

describe('glossary', () => {
	test('every entry is deep-linkable, cites an RFC section and links on', () => {
		const glossary = referenceEntries().filter((e) => e.section === 'glossary');
		expect(glossary.map((e) => e.slug).sort()).toEqual(
			[
				'bounce',
				'dns',
				'envelope',
				'greylisting',
				'header',
				'imap',
				'mime',
				'mx',
				'pop3',
				'port-25',
				'port-2525',
				'port-465',
				'port-587',
				'relay',
				'spam',
				'starttls',
				'submission',
				'tls'
			].sort()
		);
		for (const e of glossary) {
			expect(findReferenceEntry('glossary', e.slug), e.ref).toBe(e);
			expect(referencePaths()).toContainEqual({ section: 'glossary', slug: e.slug });
			expect(
				e.rfc.some((r) => r.section),
				e.ref
			).toBe(true);
			expect(e.related.flatMap((g) => g.links).length, e.ref).toBeGreaterThan(0);
		}
	});
	test('2525 is an unofficial submission port, never delivery to an MX; the lab’s mx listener only borrows the number', () => {
		const e = findReferenceEntry('glossary', 'port-2525')!;
		expect(e.summary).toMatch(
			/unofficial alternative submission port|also accept submission on 2525/
		);
		expect(e.summary).toContain('never used to deliver to an MX');
		expect(e.detail).toContain('mx listener, which stands for port 25');
		expect(e.facts).toContainEqual({
			label: 'In this lab',
			value: 'The mx listener, standing for port 25'
		});
	});
	test('MX cites RFC 5321 §5.1 and null MX RFC 7505; a bounce cites RFC 3464 and RFC 6522; MIME RFC 2045/2046', () => {
		const cites = (slug: string) =>
			findReferenceEntry('glossary', slug)!.rfc.map((r) => `${r.rfc} ${r.section}`);
		expect(cites('mx')).toEqual(expect.arrayContaining(['5321 5.1', '7505 3']));
		expect(cites('bounce')).toEqual(expect.arrayContaining(['3464 2', '6522 3']));
		expect(cites('mime')).toEqual(expect.arrayContaining(['2045 1', '2046 5.1']));
	});
});
