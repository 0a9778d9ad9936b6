// Differential check: each model in models/ runs with its scenario (models/NAME.json, the `ntm run`
// scenario format, `complete` and `advance` steps) on npm bpmn-engine and on our engine (`ntm run`).
// Two things must agree:
//  1. the multiset of completed element ids: the same elements, the same number of times;
//  2. the order within each branch: the model is cut into branches (the path from a start, each way out of
//     a parallel or inclusive fork until its join, the path from a boundary event, a called process), and
//     the sequence of completions of each branch's elements must be the same in both engines. Only the
//     interleaving of concurrent branches may differ.
// Compared by presence only (count) and with consecutive repeats collapsed (order), because the engines
// report them differently: a multi-instance activity (bpmn-engine reports its body once, we report each
// instance) and an inclusive join (bpmn-engine ends it once per arriving branch, we once per firing).
// Shared subset of the models: conditions are `${name}` (a boolean variable) with a default flow for the
// other way; timers are fixed ISO durations. Rewritten mechanically for bpmn-engine: conditions become
// `${environment.variables.name}`, and a process that a call activity calls is made non-executable (it
// runs when called, not on its own). bpmn-engine's timers run on a fake clock that `advance` moves.
// Usage: node tests/differential/run.mjs PATH/TO/ntm.dll
import { Engine } from 'bpmn-engine';
import { Timers } from 'bpmn-elements';
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

/** PnDTnHnMnS as milliseconds: the subset the models use. */
function durationMs(text) {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text);
  if (!m) throw new Error(`advance '${text}' is not a duration the differential check knows`);
  const [d, h, min, sec] = m.slice(1).map((x) => Number(x ?? 0));
  return (((d * 24 + h) * 60 + min) * 60 + sec) * 1000;
}

/** bpmn-engine's timers on a clock that only `advance` moves. */
function fakeClock() {
  let now = 0;
  const pending = [];
  const timers = new Timers({
    setTimeout(callback, delay, ...args) {
      const timer = { at: now + delay, callback, args };
      pending.push(timer);
      return timer;
    },
    clearTimeout(timer) {
      const index = pending.indexOf(timer);
      if (index >= 0) pending.splice(index, 1);
    },
  });
  async function advance(ms) {
    const target = now + ms;
    for (;;) {
      const due = pending.filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      pending.splice(pending.indexOf(due), 1);
      now = due.at;
      due.callback(...due.args);
      for (let i = 0; i < 20; i++) await tick();
    }
    now = target;
  }
  return { timers, advance };
}

async function theirs(xml, scenario) {
  let source = xml.replace(/\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}/g, '${environment.variables.$1}');
  for (const [, called] of xml.matchAll(/calledElement="([^"]+)"/g)) {
    source = source.replace(new RegExp(`(<bpmn:process id="${called}"[^>]*?)isExecutable="true"`), '$1isExecutable="false"');
  }
  const clock = fakeClock();
  const engine = new Engine({ name: 'differential', source, timers: clock.timers });
  const listener = new EventEmitter();
  const waiting = [];
  const completed = [];
  listener.on('wait', (api) => { if (api.type === 'bpmn:UserTask') waiting.push(api); });
  listener.on('activity.end', (api) => completed.push(api.id));
  await engine.execute({ listener, variables: { ...(scenario.variables ?? {}) } });
  for (const [index, step] of (scenario.steps ?? []).entries()) {
    if (step.advance) {
      await clock.advance(durationMs(step.advance));
      continue;
    }
    if (!step.complete) throw new Error(`step ${index + 1}: only complete and advance steps are used in differential scenarios`);
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

/**
 * Which branch each flow node is on: a path of segments from the start event of the main process, one
 * more per way out of a fork (closed again at the join), per boundary event and per called process.
 * The models are block-structured, as ours are, so the first visit decides.
 */
function branches(xml, mainProcess, presenceOnly) {
  const nodes = new Map();
  const outgoing = new Map();
  const incoming = new Map();
  const boundaries = new Map();
  const scopes = [];
  for (const m of xml.matchAll(/<(\/?)bpmn:(\w+)((?:\s+[\w:]+="[^"]*")*)\s*(\/?)>/g)) {
    const [, closing, type, attributeText, selfClosing] = m;
    const attributes = Object.fromEntries([...attributeText.matchAll(/([\w:]+)="([^"]*)"/g)].map((a) => [a[1], a[2]]));
    if (closing) {
      if (type === 'process' || type === 'subProcess') scopes.pop();
      continue;
    }
    if (type === 'sequenceFlow') {
      if (!outgoing.has(attributes.sourceRef)) outgoing.set(attributes.sourceRef, []);
      outgoing.get(attributes.sourceRef).push(attributes.targetRef);
      incoming.set(attributes.targetRef, (incoming.get(attributes.targetRef) ?? 0) + 1);
      continue;
    }
    if (type === 'process') {
      if (!selfClosing) scopes.push(attributes.id);
      nodes.set(attributes.id, { type, scope: null, starts: [] });
      continue;
    }
    if (!attributes.id || !/Event$|Task$|^task$|Gateway$|^subProcess$|^callActivity$/.test(type)) continue;
    nodes.set(attributes.id, { type, scope: scopes.at(-1), starts: [], calledElement: attributes.calledElement });
    if (type === 'startEvent') nodes.get(scopes.at(-1)).starts.push(attributes.id);
    if (type === 'boundaryEvent') {
      if (!boundaries.has(attributes.attachedToRef)) boundaries.set(attributes.attachedToRef, []);
      boundaries.get(attributes.attachedToRef).push(attributes.id);
    }
    if (type === 'subProcess' && !selfClosing) scopes.push(attributes.id);
  }

  const sequential = new Set([...xml.matchAll(/<bpmn:\w+ id="([^"]+)"[^>]*>\s*<bpmn:multiInstanceLoopCharacteristics isSequential="true"/g)].map((m) => m[1]));
  const branchOf = new Map();
  const isFork = (id) => /^(parallel|inclusive)Gateway$/.test(nodes.get(id)?.type) && (outgoing.get(id) ?? []).length > 1;
  const isJoin = (id) => /^(parallel|inclusive)Gateway$/.test(nodes.get(id)?.type) && (incoming.get(id) ?? 0) > 1;
  const visit = (id, branch) => {
    if (branchOf.has(id) || !nodes.has(id)) return;
    branchOf.set(id, branch);
    const node = nodes.get(id);
    // A multi-instance subprocess's instances are branches of their own, which bpmn-engine's events do not
    // tell apart: its elements are one branch, ordered when the instances run one after another.
    const inner = presenceOnly.has(id) ? `${branch}/${id}>${sequential.has(id) ? 'each' : 'each-unordered'}` : branch;
    for (const start of node.starts) visit(start, inner);
    if (node.calledElement) for (const start of nodes.get(node.calledElement)?.starts ?? []) visit(start, `${branch}/${id}>call`);
    for (const boundary of boundaries.get(id) ?? []) visit(boundary, `${branch}/${boundary}`);
    (outgoing.get(id) ?? []).forEach((target, i) => {
      if (isFork(id)) visit(target, `${branch}/${id}:${i}`);
      else if (isJoin(target)) visit(target, branch.split('/').slice(0, -1).join('/'));
      else visit(target, branch);
    });
  };
  visit(mainProcess, 'main');
  return branchOf;
}

/** Per branch, its elements' completions in order, consecutive repeats of presence-only ids collapsed. */
function ordersByBranch(completed, branchOf, presenceOnly) {
  const orders = new Map();
  for (const id of completed) {
    const branch = branchOf.get(id) ?? '?';
    if (!orders.has(branch)) orders.set(branch, []);
    const order = orders.get(branch);
    if (!(presenceOnly.has(id) && order.at(-1) === id)) order.push(id);
  }
  return orders;
}

let passed = 0;
let failed = 0;
for (const file of readdirSync(folder).filter((f) => f.endsWith('.bpmn')).sort()) {
  const name = file.slice(0, -'.bpmn'.length);
  const bpmnPath = join(folder, file);
  const scenarioPath = join(folder, `${name}.json`);
  const xml = readFileSync(bpmnPath, 'utf8');
  try {
    const scenario = JSON.parse(readFileSync(scenarioPath, 'utf8'));
    const oursCompleted = ours(bpmnPath, scenarioPath);
    const theirsCompleted = await theirs(xml, scenario);
    const a = count(oursCompleted);
    const b = count(theirsCompleted);
    const multi = presenceOnlyIds(xml);
    const problems = [];
    for (const id of new Set([...a.keys(), ...b.keys()])) {
      const ok = multi.has(id) ? a.has(id) === b.has(id) : a.get(id) === b.get(id);
      if (!ok) problems.push(`${id}: ours ${a.get(id) ?? 0}, bpmn-engine ${b.get(id) ?? 0}`);
    }

    const mainProcess = scenario.process ?? xml.match(/<bpmn:process id="([^"]+)"/)[1];
    const branchOf = branches(xml, mainProcess, multi);
    const oursOrders = ordersByBranch(oursCompleted, branchOf, multi);
    const theirsOrders = ordersByBranch(theirsCompleted, branchOf, multi);
    for (const branch of new Set([...oursOrders.keys(), ...theirsOrders.keys()])) {
      const unordered = branch.endsWith('-unordered');
      const x = (unordered ? [...(oursOrders.get(branch) ?? [])].sort() : oursOrders.get(branch) ?? []).join(' ');
      const y = (unordered ? [...(theirsOrders.get(branch) ?? [])].sort() : theirsOrders.get(branch) ?? []).join(' ');
      if (x !== y) problems.push(`order on branch ${branch}: ours [${x}], bpmn-engine [${y}]`);
    }

    if (problems.length === 0) {
      passed++;
      console.log(`  ok        ${name} (${[...a.values()].reduce((x, y) => x + y, 0)} completions on ${oursOrders.size} branches)`);
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
