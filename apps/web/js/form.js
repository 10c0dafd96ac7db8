// Forms generated from the registry's parameter schemas
// ({name: {type: int|float|bool|string|list|object, default, help, choices?}}), so a new
// plugin's options appear without changes here.
import { h } from './dom.js';

function parseValue(type, text) {
  if (text === '') return undefined;
  if (type === 'int') { const v = Number(text); return Number.isInteger(v) ? v : text; }
  if (type === 'float' || type === 'number') { const v = Number(text); return Number.isFinite(v) ? v : text; }
  if (type === 'list' || type === 'object') { try { return JSON.parse(text); } catch (_) { return text; } }
  return text;
}

// Inputs for every parameter; `values` is the object being edited (mutated), onchange()
// after each edit. Keys the schema does not know stay as they are (shown read-only).
// Each input is named `prefix + key` (e.g. "layer-2-units"), so the builder can mark a
// field and put the focus back on it after a re-render.
export function parameterFields(schema, values, onchange, { skip = ['type', 'name'], prefix = '' } = {}) {
  const fields = [];
  for (const [key, spec] of Object.entries(schema || {})) {
    if (skip.includes(key)) continue;
    const type = spec.type || 'string';
    const id = 'f' + Math.random().toString(36).slice(2);
    const name = prefix + key;
    const current = values[key];
    let input;
    if (type === 'bool') {
      input = h('input', { type: 'checkbox', id, name, checked: current ?? spec.default ?? false });
      input.addEventListener('change', () => {
        if (input.checked === (spec.default ?? false)) delete values[key]; else values[key] = input.checked;
        onchange();
      });
    } else if (Array.isArray(spec.choices) || Array.isArray(spec.enum)) {
      const choices = spec.choices || spec.enum;
      input = h('select', { id, name }, choices.map((c) => h('option', { value: c, selected: (current ?? spec.default) === c }, String(c))));
      input.addEventListener('change', () => {
        if (input.value === String(spec.default)) delete values[key]; else values[key] = input.value;
        onchange();
      });
    } else {
      const shown = current === undefined ? '' : typeof current === 'object' ? JSON.stringify(current) : String(current);
      const placeholder = spec.default === undefined || spec.default === null ? '' :
        typeof spec.default === 'object' ? JSON.stringify(spec.default) : String(spec.default);
      input = h('input', {
        id, name, value: shown, placeholder,
        type: type === 'int' || type === 'float' ? 'number' : 'text',
        step: type === 'int' ? '1' : type === 'float' ? 'any' : undefined,
        size: type === 'int' || type === 'float' ? 6 : 10,
      });
      input.addEventListener('input', () => {
        const v = parseValue(type, input.value.trim());
        if (v === undefined) delete values[key]; else values[key] = v;
        onchange();
      });
    }
    fields.push(h('label.field', { title: spec.help || '' , for: id }, h('span', key), input));
  }
  for (const key of Object.keys(values))
    if (!skip.includes(key) && !(schema && key in schema))
      fields.push(h('label.field.unknown', { title: 'not in this plugin\'s schema' },
        h('span', key), h('code', JSON.stringify(values[key]))));
  return fields;
}
