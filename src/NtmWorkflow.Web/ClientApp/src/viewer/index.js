// The dossier page's process diagram: the instance's definition version drawn read-only (zoom and pan),
// with what the instance went through and where it waits now marked. Everything it needs is in the host
// element's data- attributes, written by the server; without this script the page still lists the steps.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import diagramCss from 'bpmn-js/dist/assets/diagram-js.css';
import bpmnCss from 'bpmn-js/dist/assets/bpmn-js.css';
import ownCss from './viewer.css';

const DONE = 'ntm-done';
const CURRENT = 'ntm-current';

function addStyles() {
  const style = document.createElement('style');
  style.textContent = [diagramCss, bpmnCss, ownCss].join('\n');
  document.head.appendChild(style);
}

function ids(host, name) {
  try {
    const value = JSON.parse(host.dataset[name] || '[]');
    return new Set(Array.isArray(value) ? value : []);
  } catch {
    return new Set();
  }
}

function fail(host, canvas, error) {
  canvas.hidden = true;
  const status = host.querySelector('[data-role="status"]');
  status.textContent = host.dataset.failed || 'The diagram cannot be drawn.';
  status.hidden = false;
  host.dataset.state = 'failed';
  console.warn('Process diagram:', error);
}

/** Marks what was done, the flows taken between done and reached elements, and the open steps. */
function mark(viewer, host) {
  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');
  const completed = ids(host, 'completed');
  const reached = ids(host, 'reached');
  const current = ids(host, 'current');
  registry.forEach(element => {
    const bo = element.businessObject;
    if (element.type === 'bpmn:SequenceFlow') {
      if (completed.has(bo.sourceRef?.id) && reached.has(bo.targetRef?.id)) {
        canvas.addMarker(element, DONE);
      }
    } else if (element.type !== 'label' && completed.has(element.id) && !current.has(element.id)) {
      canvas.addMarker(element, DONE);
    }
  });
  for (const id of current) {
    if (registry.get(id)) {
      canvas.addMarker(id, CURRENT);
    }
  }
}

function zoomButtons(host, viewer) {
  const canvas = viewer.get('canvas');
  const actions = {
    'zoom-in': () => canvas.zoom(canvas.zoom() * 1.25),
    'zoom-out': () => canvas.zoom(canvas.zoom() / 1.25),
    'zoom-fit': () => canvas.zoom('fit-viewport', 'auto'),
  };
  host.querySelectorAll('button[data-action]').forEach(button => {
    button.addEventListener('click', () => actions[button.dataset.action]?.());
    button.hidden = false;
  });
}

/**
 * Shows the whole process when it is legible at that size; a long one is shown at a reading scale around the
 * step it waits at (or from its start), and "show all" is a button away.
 */
function frame(viewer, host) {
  const canvas = viewer.get('canvas');
  canvas.zoom('fit-viewport', 'auto');
  if (canvas.zoom() >= 0.6) {
    return;
  }

  const registry = viewer.get('elementRegistry');
  const current = [...ids(host, 'current')].map(id => registry.get(id)).find(Boolean);
  const target = current || registry.filter(e => e.type === 'bpmn:StartEvent')[0];
  if (!target) {
    return;
  }

  // The open step a little right of the middle, so the path that led to it shows on its left.
  canvas.zoom(0.75);
  const box = canvas.viewbox();
  canvas.viewbox({
    x: current ? target.x + target.width / 2 - box.width * 0.6 : target.x - 40,
    y: target.y + target.height / 2 - box.height / 3,
    width: box.width,
    height: box.height,
  });
}

async function show(host) {
  const container = host.querySelector('[data-role="canvas"]');
  host.querySelector('[data-role="status"]').hidden = true;
  container.hidden = false;
  const viewer = new NavigatedViewer({ container });
  try {
    await viewer.importXML(host.dataset.bpmn || '');
  } catch (error) {
    fail(host, container, error);
    return;
  }

  mark(viewer, host);
  frame(viewer, host);
  zoomButtons(host, viewer);
  host.querySelectorAll('[data-role="legend"]').forEach(legend => { legend.hidden = false; });
  host.dataset.state = 'shown';
}

addStyles();
document.querySelectorAll('[data-bpmn-viewer]').forEach(show);
