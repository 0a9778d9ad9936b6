// The process designer (/admin/workflows/{processId}): the bpmn.io modeller with the Camunda Platform 7
// properties panel, our element templates and bpmnlint, over the model the server wrote into the host's
// data- attributes. Save draft, Validate, What changed and Publish post the canvas's XML to the page's own
// handlers (cookie, antiforgery token) and show the answer; the server's problems are marked on their elements.
// Without this script the page's form posts the XML textarea to the same handlers.
import BpmnModeler from 'bpmn-js/lib/Modeler';
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  CamundaPlatformPropertiesProviderModule,
} from 'bpmn-js-properties-panel';
import { ElementTemplatesPropertiesProviderModule } from 'bpmn-js-element-templates';
import CamundaBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';
import lintModule from 'bpmn-js-bpmnlint';
import blocksModule from './blocks';
import bpmnlintConfig from './.bpmnlintrc';
import diagramCss from 'bpmn-js/dist/assets/diagram-js.css';
import bpmnCss from 'bpmn-js/dist/assets/bpmn-js.css';
import bpmnFontCss from 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import panelCss from '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import templatesCss from 'bpmn-js-element-templates/dist/assets/element-templates.css';
import lintCss from 'bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css';
import ownCss from './modeler.css';
import communeSelfAssessment from './element-templates/commune-self-assessment.json';
import verification from './element-templates/verification.json';
import departmentReview from './element-templates/department-review.json';
import councilHandOff from './element-templates/council-hand-off.json';
import councilAwait from './element-templates/council-await.json';
import sendReminder from './element-templates/send-reminder.json';
import escalate from './element-templates/escalate.json';
import multiInstanceOutput from './element-templates/multi-instance-output.json';

const ERROR = 'ntm-error';
const templates = [communeSelfAssessment, verification, departmentReview, councilHandOff, councilAwait, sendReminder, escalate, multiInstanceOutput];

function addStyles() {
  const style = document.createElement('style');
  style.textContent = [diagramCss, bpmnCss, bpmnFontCss, panelCss, templatesCss, lintCss, ownCss].join('\n');
  document.head.appendChild(style);
}

function parse(text, fallback) {
  try {
    return JSON.parse(text || '');
  } catch {
    return fallback;
  }
}

function element(tag, attributes, ...children) {
  const node = document.createElement(tag);
  Object.entries(attributes || {}).forEach(([name, value]) => {
    if (value !== undefined && value !== null) {
      node.setAttribute(name, value);
    }
  });
  children.flat().forEach(child => node.append(child instanceof Node ? child : document.createTextNode(String(child ?? ''))));
  return node;
}

/** Marks the server's problems on their elements, replacing the previous marks; a click on an item selects its element. */
function markProblems(modeler, problems) {
  const canvas = modeler.get('canvas');
  const registry = modeler.get('elementRegistry');
  registry.forEach(shape => canvas.removeMarker(shape, ERROR));
  const overlays = modeler.get('overlays');
  overlays.remove({ type: 'ntm-error' });
  for (const problem of problems) {
    const shape = problem.id && registry.get(problem.id);
    if (shape) {
      canvas.addMarker(shape, ERROR);
      overlays.add(shape, 'ntm-error', {
        position: { top: -12, right: 12 },
        html: element('span', { class: 'ntm-error-badge', title: problem.message }, '!'),
      });
    }
  }
}

function select(modeler, id) {
  const shape = id && modeler.get('elementRegistry').get(id);
  if (shape) {
    modeler.get('selection').select(shape);
    modeler.get('canvas').scrollToElement(shape);
  }
}

function problemList(modeler, problems) {
  return element('ul', { class: 'designer-problems' }, problems.map(p => {
    const item = element('li', { 'data-element': p.elementId ?? '' }, p.elementId ? `${p.elementId}: ` : '', p.message);
    if (p.elementId) {
      item.classList.add('link');
      item.addEventListener('click', () => select(modeler, p.elementId));
    }
    return item;
  }));
}

function diffView(host, modeler, diff) {
  const section = element('div', { class: 'designer-diff' });
  if (!diff.added.length && !diff.removed.length && !diff.changed.length) {
    section.append(element('p', {}, host.dataset.same));
  }
  for (const [kind, items] of [['added', diff.added], ['removed', diff.removed], ['changed', diff.changed]]) {
    if (!items.length) {
      continue;
    }
    section.append(element('h3', {}, host.dataset[kind]));
    section.append(element('ul', {}, items.map(item => {
      const li = element('li', { 'data-element': item.id }, element('code', {}, item.id), ` (${item.type}) ${item.name ?? ''}`,
        item.changes.length ? element('ul', {}, item.changes.map(c => element('li', {}, element('code', {}, c.aspect), `: ${c.before ?? '∅'} → ${c.after ?? '∅'}`))) : []);
      li.addEventListener('click', () => select(modeler, item.id));
      return li;
    })));
  }
  return section;
}

async function post(form, action, xml, extra) {
  const body = new FormData(form);
  body.set('bpmn', xml);
  Object.entries(extra || {}).forEach(([k, v]) => body.set(k, v));
  const headers = {
    Accept: 'application/json',
    RequestVerificationToken: form.querySelector('input[name="__RequestVerificationToken"]').value,
  };
  const response = await fetch(action, { method: 'POST', body, headers, credentials: 'same-origin' });
  const json = await response.json().catch(() => ({ detail: response.statusText }));
  return { ok: response.ok, json };
}

async function start(host) {
  addStyles();
  const canvasHost = host.querySelector('[data-role="canvas"]');
  const panelHost = host.querySelector('[data-role="properties"]');
  const status = host.querySelector('[data-role="status"]');
  const results = host.querySelector('[data-role="results"]');
  const form = document.getElementById('designer-form');
  const textarea = form.querySelector('textarea[name="bpmn"]');
  canvasHost.hidden = false;
  panelHost.hidden = false;

  const modeler = new BpmnModeler({
    container: canvasHost,
    propertiesPanel: { parent: panelHost },
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      CamundaPlatformPropertiesProviderModule,
      ElementTemplatesPropertiesProviderModule,
      CamundaBehaviorsModule,
      lintModule,
      blocksModule,
    ],
    moddleExtensions: { camunda: camundaModdle },
    elementTemplates: templates,
    linting: { bpmnlint: bpmnlintConfig, active: true },
  });

  try {
    await modeler.importXML(host.dataset.bpmn);
    modeler.get('canvas').zoom('fit-viewport');
    status.hidden = true;
    host.dataset.state = 'ready';
    // The browser tests reach the canvas's services through the host element (no global).
    host.modeler = modeler;
  } catch (error) {
    canvasHost.hidden = true;
    panelHost.hidden = true;
    status.textContent = host.dataset.failed;
    host.dataset.state = 'failed';
    console.warn('Process designer:', error);
    return;
  }

  markProblems(modeler, parse(host.dataset.marks, []));
  form.querySelector('details')?.removeAttribute('open');

  form.addEventListener('submit', async event => {
    const button = event.submitter;
    const action = button?.dataset.action;
    if (!action) {
      return;
    }
    event.preventDefault();
    const { xml } = await modeler.saveXML({ format: true });
    textarea.value = xml;
    const extra = {};
    if (action === 'publish') {
      if (!window.confirm(host.dataset.confirm)) {
        return;
      }
      extra.confirmed = 'true';
    }

    results.replaceChildren();
    const { ok, json } = await post(form, button.formAction, xml, extra);
    host.dataset.lastAction = action;
    if (!ok) {
      const problems = json.errors || [];
      markProblems(modeler, problems.map(p => ({ id: p.elementId, message: p.message })));
      results.append(element('div', { class: 'error', role: 'alert' }, element('p', {}, json.detail || json.title), problemList(modeler, problems)));
      return;
    }

    if (action === 'validate') {
      markProblems(modeler, json.errors.map(p => ({ id: p.elementId, message: p.message })));
      results.append(element('p', { class: json.valid ? 'notice' : 'error' }, json.valid ? host.dataset.valid : host.dataset.invalid));
      if (!json.valid) {
        results.append(problemList(modeler, json.errors));
      }
    } else if (action === 'diff') {
      results.append(diffView(host, modeler, json));
    } else if (action === 'save') {
      markProblems(modeler, []);
      results.append(element('p', { class: 'notice', role: 'status' }, host.dataset.saved));
    } else if (action === 'publish') {
      markProblems(modeler, []);
      // The page now shows the new version and what runs on each version.
      window.location.reload();
    }
  });
}

document.querySelectorAll('[data-bpmn-modeler]').forEach(host => {
  start(host);
});
