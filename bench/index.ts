/** `npm run bench`: every benchmark, printed with the machine it ran on. */
import os from 'node:os';
import { benchAnnotateAbuse } from './annotateAbuse';
import { benchAnnotate } from './annotateTranscript';
import { benchClassExercises } from './classExercises';
import { benchClassFollow } from './classFollow';
import { benchLabBrowser } from './labBrowser';
import { benchManyInstances } from './manyInstances';
import { benchManySessions } from './manySessions';
import { benchSandboxThroughput } from './sandboxThroughput';
import { benchTlsTap } from './tlsTap';

const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
console.log(`SMTP Lab benchmarks on ${machine}\n`);

console.log(
	'Sandbox throughput against its peers, one light load generator (npm run bench:peers installs MailDev first):'
);
for (const line of await benchSandboxThroughput()) console.log(`  ${line}`);

console.log('\nThe wire tap: TLS through JS streams against the socket’s own handle:');
for (const line of await benchTlsTap()) console.log(`  ${line}`);

console.log('\nAnnotation engine (src/lib/smtp):');
for (const line of benchAnnotate()) console.log(`  ${line}`);

console.log('\nPOST /api/annotate abuse (production build):');
for (const line of await benchAnnotateAbuse()) console.log(`  ${line}`);

console.log('\nThe lab in Chromium (production build):');
for (const line of await benchLabBrowser()) console.log(`  ${line}`);

console.log('\nMany learners at once over WebSocket (production build):');
for (const line of await benchManySessions()) console.log(`  ${line}`);

console.log('\nFollowing the teacher in a class (production build):');
for (const line of await benchClassFollow()) console.log(`  ${line}`);

console.log('\nExercises in a class: the live checklists (in process):');
for (const line of await benchClassExercises()) console.log(`  ${line}`);

console.log('\nSeveral instances on one PostgreSQL (production build, a private cluster):');
for (const line of await benchManyInstances()) console.log(`  ${line}`);
