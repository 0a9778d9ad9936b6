// Our building blocks on the canvas: a palette group with one entry per element template that makes a step
// ("Xã tự đánh giá", "Thẩm tra", "Sở, ngành thẩm định", …), so an administrator picks a block instead of typing
// attributes, and one entry for the reminder/escalation pattern: clicked, then a user task clicked, it hangs the four
// non-interrupting timers of ntm-domain.md §7 on the task (reminder before the due day, due today, overdue every
// working day, escalation after M working days), each with its mail step and end, as the shipped workflows have them.

const BLOCK_TYPES = ['bpmn:UserTask', 'bpmn:SendTask', 'bpmn:ServiceTask', 'bpmn:IntermediateCatchEvent'];

/**
 * The four branches of the pattern: timer, mail step (template id and mail template) and their ids, as the shipped
 * workflows write them (docs/editing-workflows.md): {task}Reminder → remind{Task} → {task}Reminded, and so on.
 */
const REMINDERS = [
  {
    key: 'Reminder', stepId: t => `remind${t}`, endKey: 'Reminded', name: 'Nhắc trước hạn', timer: 'timeDate', template: 'ntm.send-reminder', mail: 'task-reminder', step: 'Nhắc sắp đến hạn',
    expression: "${workingDayStart(addWorkingDays(taskDue, -param('reminder.workingDaysBefore')))}",
  },
  {
    key: 'Due', stepId: t => `notice${t}Due`, endKey: 'DueNoticed', name: 'Đến hạn', timer: 'timeDate', template: 'ntm.send-reminder', mail: 'task-due', step: 'Báo đến hạn hôm nay',
    expression: '${workingDayStart(taskDue)}',
  },
  {
    key: 'OverdueDaily', stepId: t => `notice${t}Overdue`, endKey: 'OverdueNoticed', name: 'Quá hạn (hằng ngày làm việc)', timer: 'timeCycle', template: 'ntm.send-reminder', mail: 'task-overdue', step: 'Báo quá hạn',
    expression: '${workingDayStart(addWorkingDays(later(now(), taskDue), 1))}',
  },
  {
    key: 'Escalation', stepId: t => `escalate${t}`, endKey: 'Escalated', name: 'Quá hạn M ngày làm việc: báo cáo', timer: 'timeDate', template: 'ntm.escalate', mail: 'task-escalation',
    step: 'Báo Thủ trưởng và Văn phòng Điều phối: quá hạn',
    expression: "${workingDayStart(addWorkingDays(taskDue, param('escalation.afterWorkingDays')))}",
  },
];

function is(element, type) {
  return element?.businessObject?.$instanceOf?.(type);
}

/** The template's element type: its elementType when it declares one, else the first type it applies to. */
function elementTypeOf(template) {
  return template.elementType?.value ?? template.appliesTo[0];
}

const ICONS = {
  'bpmn:UserTask': 'bpmn-icon-user-task',
  'bpmn:SendTask': 'bpmn-icon-send-task',
  'bpmn:ServiceTask': 'bpmn-icon-service-task',
  'bpmn:IntermediateCatchEvent': 'bpmn-icon-intermediate-event-catch-message',
};
const REMINDER_ICON = 'bpmn-icon-intermediate-event-catch-non-interrupting-timer';

class NtmBlocks {
  constructor(palette, contextPad, create, elementTemplates, elementFactory, bpmnFactory, modeling, elementRegistry, canvas, eventBus) {
    this._create = create;
    this._elementTemplates = elementTemplates;
    this._elementFactory = elementFactory;
    this._bpmnFactory = bpmnFactory;
    this._modeling = modeling;
    this._elementRegistry = elementRegistry;
    this._canvas = canvas;
    this._armed = false;
    palette.registerProvider(this);
    contextPad.registerProvider(this);
    // The templates are loaded after the palette is first drawn: draw it again with their blocks.
    eventBus.on('elementTemplates.changed', () => palette._rebuild());

    // A block is created as its plain element; once on the canvas, its template is applied (one undo step each).
    this._pending = null;
    eventBus.on('create.end', 250, event => {
      const template = this._pending;
      this._pending = null;
      const shape = event.context?.shape;
      if (template && shape?.parent) {
        this._elementTemplates.applyTemplate(shape, template);
      }
    });
    eventBus.on('create.cancel', () => {
      this._pending = null;
    });

    // The pattern's palette entry arms a click on a user task; a click anywhere else disarms it.
    eventBus.on('element.click', 1500, event => {
      if (!this._armed) {
        return undefined;
      }
      this._arm(false);
      if (is(event.element, 'bpmn:UserTask')) {
        this.addReminders(event.element);
        return false;
      }
      return undefined;
    });
  }

  _arm(on) {
    this._armed = on;
    this._canvas.getContainer().classList.toggle('ntm-armed', on);
  }

  /** The templates that make a step of their own (not the property bundles applied to an existing element). */
  blockTemplates() {
    return this._elementTemplates.getLatest().filter(t => BLOCK_TYPES.includes(elementTypeOf(t)) && t.appliesTo.length === 1);
  }

  getPaletteEntries() {
    const entries = {
      'ntm-separator': { group: 'ntm-blocks', separator: true },
    };
    for (const template of this.blockTemplates()) {
      const start = event => {
        this._pending = template;
        this._create.start(event, this._elementFactory.createShape({ type: elementTypeOf(template) }));
      };
      entries[`ntm-block-${template.id}`] = {
        group: 'ntm-blocks',
        className: `ntm-block ${ICONS[elementTypeOf(template)]}`,
        title: template.name,
        action: { click: start, dragstart: start },
      };
    }
    entries['ntm-reminders'] = {
      group: 'ntm-blocks',
      className: `ntm-block ${REMINDER_ICON}`,
      title: 'Nhắc việc và báo quá hạn: bấm vào đây rồi bấm vào một bước xử lý (Reminder and escalation pattern: click, then click a user task)',
      action: { click: () => this._arm(!this._armed) },
    };
    return entries;
  }

  getContextPadEntries(element) {
    if (!is(element, 'bpmn:UserTask')) {
      return {};
    }
    return {
      'ntm-reminders': {
        group: 'edit',
        className: `ntm-block ${REMINDER_ICON}`,
        title: 'Thêm nhắc việc và báo quá hạn (Add the reminder and escalation pattern)',
        action: { click: () => this.addReminders(element) },
      },
    };
  }

  /** Hangs the pattern's four timers on the task; a branch the task already has (by id) is left as it is. */
  addReminders(task) {
    const taskId = task.businessObject.id;
    REMINDERS.forEach((branch, index) => {
      const boundaryId = `${taskId}${branch.key}`;
      if (this._elementRegistry.get(boundaryId)) {
        return;
      }
      const definition = this._bpmnFactory.create('bpmn:TimerEventDefinition', {
        [branch.timer]: this._bpmnFactory.create('bpmn:FormalExpression', { body: branch.expression }),
      });
      const event = this._bpmnFactory.create('bpmn:BoundaryEvent', {
        id: boundaryId, name: branch.name, cancelActivity: false, eventDefinitions: [definition],
      });
      definition.$parent = event;
      const boundaryShape = this._elementFactory.createShape({ type: 'bpmn:BoundaryEvent', businessObject: event });
      const x = task.x + 26 + index * 44;
      const boundary = this._modeling.createShape(boundaryShape, { x, y: task.y + task.height }, task, { attach: true });

      const template = this._elementTemplates.getLatest(branch.template)[0];
      let step = this._modeling.appendShape(boundary, { type: elementTypeOf(template) },
        { x: task.x + task.width + 220, y: task.y + task.height + 70 + (REMINDERS.length - 1 - index) * 75 }, task.parent);
      step = this._elementTemplates.applyTemplate(step, template);
      const capitalised = taskId[0].toUpperCase() + taskId.slice(1);
      this._modeling.updateProperties(step, { id: this._freeId(branch.stepId(capitalised)), name: branch.step });
      this._setProperties(step, { task: taskId, template: branch.mail });
      const end = this._modeling.appendShape(step, { type: 'bpmn:EndEvent' }, { x: step.x + step.width + 60, y: step.y + step.height / 2 }, task.parent);
      this._modeling.updateProperties(end, { id: this._freeId(`${taskId}${branch.endKey}`) });
    });
  }

  /** The id when no element has it yet, else the id with a number. */
  _freeId(id) {
    let candidate = id;
    for (let n = 2; this._elementRegistry.get(candidate); n++) {
      candidate = `${id}${n}`;
    }
    return candidate;
  }

  /** Sets the camunda:property values the template left empty or at their default. */
  _setProperties(element, values) {
    const extension = element.businessObject.extensionElements;
    const properties = extension?.values?.find(v => v.$instanceOf('camunda:Properties'));
    if (!properties) {
      return;
    }
    const list = properties.values.map(p => this._bpmnFactory.create('camunda:Property', {
      name: p.name, value: Object.hasOwn(values, p.name) ? values[p.name] : p.value,
    }));
    this._modeling.updateModdleProperties(element, properties, { values: list });
  }
}

NtmBlocks.$inject = ['palette', 'contextPad', 'create', 'elementTemplates', 'elementFactory', 'bpmnFactory', 'modeling', 'elementRegistry', 'canvas', 'eventBus'];

export default {
  __init__: ['ntmBlocks'],
  ntmBlocks: ['type', NtmBlocks],
};
