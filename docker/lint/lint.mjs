// Lints docker/Dockerfile and parses docker/compose.yaml, failing on any error. No Docker engine runs on
// CI machines, so the files are checked by their grammar and by what the gateway needs from them.
import { readFileSync } from 'node:fs';
import { validate } from 'dockerfile-utils';
import { load } from 'js-yaml';

const here = new URL('..', import.meta.url);
let failures = 0;
const fail = (message) => { failures++; console.error(`lint: ${message}`); };

const dockerfile = readFileSync(new URL('Dockerfile', here), 'utf8');
for (const problem of validate(dockerfile)) {
  const where = `Dockerfile:${problem.range.start.line + 1}`;
  // Severity 1 is an error; 2 a warning, reported but not fatal.
  if (problem.severity === 1) fail(`${where} ${problem.message}`);
  else console.warn(`lint: warning ${where} ${problem.message}`);
}
if (!/^USER\s+(?!root\b|0\b)\S+/m.test(dockerfile)) fail('Dockerfile: the runtime stage must run as a non-root USER');
if (!/^HEALTHCHECK\s/m.test(dockerfile)) fail('Dockerfile: HEALTHCHECK missing');

const compose = load(readFileSync(new URL('compose.yaml', here), 'utf8'));
const services = compose?.services ?? {};
for (const name of ['nginx', 'gateway-1', 'gateway-2', 'redis', 'prometheus', 'grafana']) {
  if (!services[name]) fail(`compose.yaml: service ${name} missing`);
}
for (const [name, service] of Object.entries(services)) {
  if (!service.image && !service.build) fail(`compose.yaml: service ${name} has neither image nor build`);
}
for (const name of ['gateway-1', 'gateway-2']) {
  const env = services[name]?.environment ?? {};
  if (env.GATEWAY_STORE !== 'redis') fail(`compose.yaml: ${name} must run with GATEWAY_STORE=redis`);
}

if (failures > 0) {
  console.error(`lint: ${failures} problem(s)`);
  process.exit(1);
}
console.log('lint: Dockerfile and compose.yaml are valid');
