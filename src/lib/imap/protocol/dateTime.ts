/*
 * IMAP's two date formats (RFC 3501 §9):
 *
 *   date            = date-text / DQUOTE date-text DQUOTE          ; SEARCH BEFORE/ON/SINCE
 *   date-text       = date-day "-" date-month "-" date-year
 *   date-day        = 1*2DIGIT
 *   date-month      = "Jan" / "Feb" / "Mar" / "Apr" / "May" / "Jun" /
 *                     "Jul" / "Aug" / "Sep" / "Oct" / "Nov" / "Dec"
 *   date-year       = 4DIGIT
 *   date-time       = DQUOTE date-day-fixed "-" date-month "-" date-year
 *                     SP time SP zone DQUOTE                       ; INTERNALDATE, APPEND
 *   date-day-fixed  = (SP DIGIT) / 2DIGIT
 *   time            = 2DIGIT ":" 2DIGIT ":" 2DIGIT
 *   zone            = ("+" / "-") 4DIGIT   ; hhmm east of Greenwich
 */
import type { Cursor } from './grammar';

export const MONTHS = [
	'Jan',
	'Feb',
	'Mar',
	'Apr',
	'May',
	'Jun',
	'Jul',
	'Aug',
	'Sep',
	'Oct',
	'Nov',
	'Dec'
] as const;

/** A calendar day (SEARCH's dates ignore time and zone, §6.4.4). */
export interface ImapDate {
	year: number;
	/** 1-12 */
	month: number;
	day: number;
}

export interface ImapDateTime extends ImapDate {
	hour: number;
	minute: number;
	second: number;
	/** Offset east of Greenwich in minutes: "-0700" is -420. */
	zoneMinutes: number;
}

function digits(cursor: Cursor, count: number, what: string): number {
	const text = cursor.rest().slice(0, count);
	if (!new RegExp(`^\\d{${count}}$`).test(text)) cursor.fail(`${count} digits (${what})`);
	cursor.skip(count);
	return Number(text);
}

function month(cursor: Cursor): number {
	const index = MONTHS.findIndex(
		(m) => cursor.rest().slice(0, 3).toLowerCase() === m.toLowerCase()
	);
	if (index < 0)
		cursor.fail('a month: Jan, Feb, Mar, Apr, May, Jun, Jul, Aug, Sep, Oct, Nov or Dec');
	cursor.skip(3);
	return index + 1;
}

function checkDay(cursor: Cursor, day: number, mon: number, year: number): void {
	const last = new Date(Date.UTC(year, mon, 0)).getUTCDate();
	if (day < 1 || day > last)
		cursor.fail('a day of that month', `${MONTHS[mon - 1]} ${year} has no day ${day}`);
}

/** date = date-text / DQUOTE date-text DQUOTE */
export function readDate(cursor: Cursor): ImapDate {
	const quoted = cursor.accept('"');
	const dayText = cursor.run((ch) => ch >= '0' && ch <= '9');
	if (dayText.length < 1 || dayText.length > 2)
		cursor.fail('a date such as 1-Feb-1994 (1 or 2 digits of day)');
	cursor.expect('-', '"-" between day and month');
	const mon = month(cursor);
	cursor.expect('-', '"-" between month and year');
	const year = digits(cursor, 4, 'year');
	checkDay(cursor, Number(dayText), mon, year);
	if (quoted) cursor.expect('"', 'the closing DQUOTE of the date');
	return { year, month: mon, day: Number(dayText) };
}

/** date-time, quotes included */
export function readDateTime(cursor: Cursor): ImapDateTime {
	cursor.expect('"', 'a date-time such as "17-Jul-1996 02:44:25 -0700"');
	const day =
		cursor.peek() === ' ' ? (cursor.skip(1), digits(cursor, 1, 'day')) : digits(cursor, 2, 'day');
	cursor.expect('-', '"-" between day and month');
	const mon = month(cursor);
	cursor.expect('-', '"-" between month and year');
	const year = digits(cursor, 4, 'year');
	checkDay(cursor, day, mon, year);
	cursor.expect(' ', 'SP before the time');
	const hour = digits(cursor, 2, 'hours');
	cursor.expect(':', '":"');
	const minute = digits(cursor, 2, 'minutes');
	cursor.expect(':', '":"');
	const second = digits(cursor, 2, 'seconds');
	if (hour > 23 || minute > 59 || second > 60)
		cursor.fail('a time of day', 'the time is out of range');
	cursor.expect(' ', 'SP before the zone');
	const sign = cursor.peek();
	if (sign !== '+' && sign !== '-') cursor.fail('a zone such as +0000 or -0700');
	cursor.skip(1);
	const zone = digits(cursor, 4, 'zone hhmm');
	cursor.expect('"', 'the closing DQUOTE of the date-time');
	const zoneMinutes = (sign === '-' ? -1 : 1) * (Math.floor(zone / 100) * 60 + (zone % 100));
	return { year, month: mon, day, hour, minute, second, zoneMinutes };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** date-time without its quotes, e.g. " 7-Jul-1996 02:44:25 -0700" (date-day-fixed). */
export function formatDateTime(dt: ImapDateTime): string {
	const zone = Math.abs(dt.zoneMinutes);
	const sign = dt.zoneMinutes < 0 ? '-' : '+';
	return (
		`${String(dt.day).padStart(2, ' ')}-${MONTHS[dt.month - 1]}-${pad(dt.year, 4)} ` +
		`${pad(dt.hour)}:${pad(dt.minute)}:${pad(dt.second)} ${sign}${pad(Math.floor(zone / 60))}${pad(zone % 60)}`
	);
}

/** A moment as a date-time in the given zone (INTERNALDATE of a stored message). */
export function dateTimeOf(moment: Date, zoneMinutes = 0): ImapDateTime {
	const local = new Date(moment.getTime() + zoneMinutes * 60_000);
	return {
		year: local.getUTCFullYear(),
		month: local.getUTCMonth() + 1,
		day: local.getUTCDate(),
		hour: local.getUTCHours(),
		minute: local.getUTCMinutes(),
		second: local.getUTCSeconds(),
		zoneMinutes
	};
}

/** The moment a date-time names: "Subtracting the timezone from the given time will give the UT form" (§9 zone). */
export function momentOf(dt: ImapDateTime): Date {
	return new Date(
		Date.UTC(dt.year, dt.month - 1, dt.day, dt.hour, dt.minute, dt.second) - dt.zoneMinutes * 60_000
	);
}
