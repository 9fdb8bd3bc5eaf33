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

// One image for both replicas: built once, by name, not twice without one.
const images = ['gateway-1', 'gateway-2'].map((name) => services[name]?.image);
if (!images[0] || images[0] !== images[1]) fail('compose.yaml: gateway-1 and gateway-2 must use one named image');
if (services['gateway-2']?.build) fail('compose.yaml: only gateway-1 builds the image');
for (const name of ['gateway-1', 'gateway-2']) {
  const env = services[name]?.environment ?? {};
  for (const key of ['GATEWAY_LIMITS_TRUSTED_PROXIES', 'GATEWAY_AUTH_MODE']) {
    if (!(key in env)) fail(`compose.yaml: ${name} must set ${key} (docs/operations.md, "Exposing it")`);
  }
}
// The build context is the repository root: keep build output, history and benchmark results out of it.
let dockerignore = '';
try { dockerignore = readFileSync(new URL('../.dockerignore', here), 'utf8'); } catch { fail('.dockerignore missing'); }
const ignoreLines = dockerignore.split('\n').map((line) => line.trim());
if (!ignoreLines.includes('*') && !['target', '.git', 'bench'].every((dir) => ignoreLines.some((l) => l.replace(/\/$/, '') === dir))) {
  fail('.dockerignore must keep target/, .git and bench/ out of the build context');
}
if (ignoreLines.some((line) => /^!(target|\.git|bench)/.test(line))) fail('.dockerignore lets target/, .git or bench/ back in');

if (failures > 0) {
  console.error(`lint: ${failures} problem(s)`);
  process.exit(1);
}
console.log('lint: Dockerfile and compose.yaml are valid');
