/**
 * The examples in their suggested order. Each lives in its own file as data (types.ts); the
 * player, the handout and the integration test all read them from here.
 */
import { SLUG_PATTERN, type ListenerName } from '../messages';
import type { Example } from './types';
import { example as firstMessage } from './first-message';
import { example as ehloReply } from './ehlo-reply';
import { example as manyRecipients } from './many-recipients';
import { example as unknownRecipient } from './unknown-recipient';
import { example as greylisting } from './greylisting';
import { example as mailboxFull } from './mailbox-full';
import { example as bounce } from './bounce';
import { example as submission } from './submission';
import { example as ports } from './ports';
import { example as openRelay } from './open-relay';
import { example as attachments } from './attachments';
import { example as dotStuffing } from './dot-stuffing';
import { example as pipelining } from './pipelining';
import { example as bulkMail } from './bulk-mail';
import { example as tooLarge } from './too-large';
import { example as spamRefused } from './spam-refused';
import { example as smuggling } from './smuggling';
import { example as splitDelivery } from './split-delivery';
import { example as greylistedHop } from './greylisted-hop';
import { example as mxDown } from './mx-down';
import { example as backupMx } from './backup-mx';
import { example as nullMx } from './null-mx';
import { example as pop3Read } from './pop3-read';
import { example as imapRead } from './imap-read';
import { example as spfPassFail } from './spf-pass-fail';
import { example as dkimMailingList } from './dkim-mailing-list';
import { example as dmarcRejectSpoof } from './dmarc-reject-spoof';
import { example as dmarcAlignment } from './dmarc-alignment';

export const EXAMPLES: readonly Example[] = [
	firstMessage,
	ehloReply,
	manyRecipients,
	unknownRecipient,
	greylisting,
	mailboxFull,
	bounce,
	submission,
	ports,
	openRelay,
	attachments,
	dotStuffing,
	pipelining,
	bulkMail,
	tooLarge,
	spamRefused,
	smuggling,
	splitDelivery,
	greylistedHop,
	mxDown,
	backupMx,
	nullMx,
	pop3Read,
	imapRead,
	spfPassFail,
	dkimMailingList,
	dmarcRejectSpoof,
	dmarcAlignment
].sort((a, b) => a.order - b.order);

export { SLUG_PATTERN };

export function findExample(slug: string): Example | undefined {
	if (!SLUG_PATTERN.test(slug)) return undefined;
	return EXAMPLES.find((e) => e.slug === slug);
}

/** The listeners an example connects to, in order of first use. */
export function listenersOf(example: Example): ListenerName[] {
	const names: ListenerName[] = [];
	for (const step of example.steps)
		if (step.kind === 'open' && !names.includes(step.listener)) names.push(step.listener);
	return names;
}
