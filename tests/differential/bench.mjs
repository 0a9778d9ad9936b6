// The benchmark's reference figure: npm bpmn-engine runs the benchmark model N times in memory, driving
// its user tasks as the .NET benchmark does, and prints instances/s and completions/s as JSON.
// Usage: node tests/differential/bench.mjs MODEL.bpmn N
import { Engine } from 'bpmn-engine';
import BpmnModdle from 'bpmn-moddle';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';

const [model, n = '100'] = process.argv.slice(2);
const source = readFileSync(model, 'utf8').replace(/\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}/g, '${environment.variables.$1}');
const tick = () => new Promise((resolve) => setImmediate(resolve));

// Parsed once, as our engine parses a deployed model once: each run measures execution, not XML parsing.
const moddleContext = await new BpmnModdle().fromXML(source);

async function once() {
  const engine = new Engine({ name: 'bench', moddleContext });
  const listener = new EventEmitter();
  const waiting = [];
  let completions = 0;
  listener.on('wait', (api) => { if (api.type === 'bpmn:UserTask') waiting.push(api); });
  listener.on('activity.end', () => completions++);
  await engine.execute({ listener, variables: { ok: true, allMet: true } });
  for (let guard = 0; guard < 10_000 && engine.state !== 'idle'; guard++) {
    const api = waiting.shift();
    if (api) api.signal();
    await tick();
  }

  if (engine.state !== 'idle') throw new Error('the benchmark instance did not complete');
  return completions;
}

await once();
const started = process.hrtime.bigint();
let completions = 0;
for (let i = 0; i < Number(n); i++) completions += await once();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(JSON.stringify({ instances: Number(n), seconds, instancesPerSecond: Number(n) / seconds, completionsPerSecond: completions / seconds, completionsPerInstance: completions / Number(n) }));
