/**
 * Composes the ordinary example messages the way a mail program does, with nodemailer's
 * MailComposer: real header fields, MIME structure and transfer encodings. The byte-level
 * examples (dot-stuffing, smuggling) are written as exact bytes in their scripts instead.
 * Pure apart from MailComposer: no sockets; used by /api/examples/[slug] and the tests.
 */
import { deflateSync } from 'node:zlib';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { ComposeSpec, Example } from '../../src/lib/examples/types';

export interface ComposedExample {
	/** Composed messages by step id, CRLF line ends, not dot-stuffed. */
	messages: Record<string, string>;
	/** Numbers the narration quotes ({pictureBytes}, {pictureBase64Bytes}, {pictureRatio}). */
	facts: Record<string, string | number>;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

function crc32(bytes: Buffer): number {
	let c = 0xffffffff;
	for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
	const head = Buffer.alloc(8);
	head.writeUInt32BE(data.length, 0);
	head.write(type, 4, 'ascii');
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
	return Buffer.concat([head, data, crc]);
}

/**
 * A small PNG of a letter envelope (PNG, RFC 2083): an 8-bit RGB image, drawn pixel by pixel so
 * the examples need no binary file in the repository.
 */
export function envelopePicture(width: number, height: number): Buffer {
	const rows: Buffer[] = [];
	const inset = Math.round(width * 0.12);
	const top = Math.round(height * 0.2);
	const bottom = height - top;
	const mid = (top + bottom) / 2;
	for (let y = 0; y < height; y++) {
		const row = Buffer.alloc(1 + width * 3);
		for (let x = 0; x < width; x++) {
			// A soft sky gradient behind the envelope.
			let rgb = [200 - Math.round((y / height) * 60), 220, 255 - Math.round((x / width) * 40)];
			const inside = x >= inset && x < width - inset && y >= top && y < bottom;
			if (inside) {
				const flap = Math.abs(
					y - top - ((mid - top) * (x - inset)) / ((width - 2 * inset) / 2 || 1)
				);
				const flap2 = Math.abs(
					y - top - ((mid - top) * (width - inset - x)) / ((width - 2 * inset) / 2 || 1)
				);
				const edge = x === inset || x === width - inset - 1 || y === top || y === bottom - 1;
				rgb = edge || flap < 1.2 || flap2 < 1.2 ? [29, 78, 216] : [255, 250, 235];
			}
			row.set(rgb, 1 + x * 3);
		}
		rows.push(row);
	}
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header.set([8, 2, 0, 0, 0], 8);
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		pngChunk('IHDR', header),
		pngChunk('IDAT', deflateSync(Buffer.concat(rows))),
		pngChunk('IEND', Buffer.alloc(0))
	]);
}

/** Base64 with a line break every 76 characters, as MIME writes it (RFC 2045 §6.8). */
export function base64Lines(bytes: Buffer): string {
	return bytes.toString('base64').replace(/.{76}/g, '$&\r\n').replace(/\r\n$/, '');
}

async function compose(spec: ComposeSpec, facts: Record<string, string | number>): Promise<string> {
	const attachments = [];
	if (spec.picture) {
		const png = envelopePicture(spec.picture.width, spec.picture.height);
		const encoded = base64Lines(png).length + 2;
		facts.pictureBytes = png.length;
		facts.pictureBase64Bytes = encoded;
		facts.pictureRatio = (encoded / png.length).toFixed(2);
		attachments.push({ filename: spec.picture.filename, content: png, contentType: 'image/png' });
	}
	const composer = new MailComposer({
		from: spec.from,
		to: spec.to,
		cc: spec.cc,
		subject: spec.subject,
		text: spec.text,
		html: spec.html,
		headers: spec.headers,
		attachments
	});
	const raw = await composer.compile().build();
	return raw.toString('utf8').replace(/\r?\n/g, '\r\n');
}

/** Every composed message of an example, by the id of the step that sends it. */
export async function composeExample(example: Example): Promise<ComposedExample> {
	const messages: Record<string, string> = {};
	const facts: Record<string, string | number> = {};
	for (const step of example.steps)
		if (step.kind === 'data' && step.message.kind === 'compose')
			messages[step.id] = await compose(step.message.mail, facts);
	return { messages, facts };
}
