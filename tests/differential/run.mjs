// Differential check: each model in models/ runs with its scenario (models/NAME.json, the `ntm run`
// scenario format, `complete` steps only) on npm bpmn-engine and on our engine (`ntm run`), and the
// two must complete the same elements the same number of times. Compared by presence only, because the
// engines report them differently: a multi-instance activity (bpmn-engine reports its body once, we report
// each instance) and an inclusive join (bpmn-engine ends it once per arriving branch, we once per firing;
// what follows the join must still match in count).
// Shared subset of the models: conditions are `${name}` (a boolean variable) with a default flow for the
// other way; for bpmn-engine they are rewritten mechanically to `${environment.variables.name}`.
// Usage: node tests/differential/run.mjs PATH/TO/ntm.dll
import { Engine } from 'bpmn-engine';
import { EventEmitter } from 'node:events';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const ntm = process.argv[2];
if (!ntm) {
  console.error('usage: node run.mjs PATH/TO/ntm.dll');
  process.exit(2);
}

const folder = new URL('./models/', import.meta.url).pathname;
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function count(ids) {
  const counts = new Map();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

function presenceOnlyIds(xml) {
  const multiInstance = [...xml.matchAll(/<bpmn:\w+ id="([^"]+)"[^>]*>\s*<bpmn:multiInstanceLoopCharacteristics/g)].map((m) => m[1]);
  const inclusive = [...xml.matchAll(/<bpmn:inclusiveGateway id="([^"]+)"/g)].map((m) => m[1])
    .filter((id) => (xml.match(new RegExp(`targetRef="${id}"`, 'g')) ?? []).length > 1);
  return new Set([...multiInstance, ...inclusive]);
}

function ours(bpmnPath, scenarioPath) {
  const output = execFileSync('dotnet', [ntm, 'run', bpmnPath, '--scenario', scenarioPath], { encoding: 'utf8' });
  return output.split('\n').filter(Boolean).map((line) => JSON.parse(line)).filter((e) => e.event === 'completed').map((e) => e.element);
}

async function theirs(xml, scenario) {
  const source = xml.replace(/\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}/g, '${environment.variables.$1}');
  const engine = new Engine({ name: 'differential', source });
  const listener = new EventEmitter();
  const waiting = [];
  const completed = [];
  listener.on('wait', (api) => { if (api.type === 'bpmn:UserTask') waiting.push(api); });
  listener.on('activity.end', (api) => completed.push(api.id));
  await engine.execute({ listener, variables: { ...(scenario.variables ?? {}) } });
  for (const [index, step] of (scenario.steps ?? []).entries()) {
    if (!step.complete) throw new Error(`step ${index + 1}: only complete steps are used in differential scenarios`);
    let api;
    for (let i = 0; i < 500 && !(api = waiting.find((w) => w.id === step.complete)); i++) await tick();
    if (!api) throw new Error(`step ${index + 1}: bpmn-engine has no waiting ${step.complete} (waiting: ${waiting.map((w) => w.id).join(', ') || 'none'})`);
    waiting.splice(waiting.indexOf(api), 1);
    Object.assign(api.environment.variables, step.variables ?? {});
    api.signal();
    await tick();
  }

  for (let i = 0; i < 500 && engine.state !== 'idle'; i++) await tick();
  return completed;
}

let passed = 0;
let failed = 0;
for (const file of readdirSync(folder).filter((f) => f.endsWith('.bpmn')).sort()) {
  const name = file.slice(0, -'.bpmn'.length);
  const bpmnPath = join(folder, file);
  const scenarioPath = join(folder, `${name}.json`);
  const xml = readFileSync(bpmnPath, 'utf8');
  try {
    const a = count(ours(bpmnPath, scenarioPath));
    const b = count(await theirs(xml, JSON.parse(readFileSync(scenarioPath, 'utf8'))));
    const multi = presenceOnlyIds(xml);
    const problems = [];
    for (const id of new Set([...a.keys(), ...b.keys()])) {
      const ok = multi.has(id) ? a.has(id) === b.has(id) : a.get(id) === b.get(id);
      if (!ok) problems.push(`${id}: ours ${a.get(id) ?? 0}, bpmn-engine ${b.get(id) ?? 0}`);
    }

    if (problems.length === 0) {
      passed++;
      console.log(`  ok        ${name} (${[...a.values()].reduce((x, y) => x + y, 0)} completions)`);
    } else {
      failed++;
      console.log(`  MISMATCH  ${name}: ${problems.join('; ')}`);
    }
  } catch (error) {
    failed++;
    console.log(`  ERROR     ${name}: ${error.message.split('\n')[0]}`);
  }
}

console.log(`differential: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
