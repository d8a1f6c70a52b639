import type { PipelineState } from './state.js';

/** JSON of `object` in its own key order, with the field `key` given as ready-made JSON. */
function stringifyWith(object: Record<string, unknown>, key: string, valueJson: string): string {
  const fields: string[] = [];
  for (const [name, value] of Object.entries(object)) {
    if (name === key) fields.push(`${JSON.stringify(name)}:${valueJson}`);
    else if (value !== undefined) fields.push(`${JSON.stringify(name)}:${JSON.stringify(value)}`);
  }
  return `{${fields.join(',')}}`;
}

/**
 * JSON.stringify for engine states, memoized per step record and step detail. The engine replaces those objects
 * on every change (copy-on-write), so an unchanged step keeps its object and its cached text: writing a
 * 10,000-step state after a wave of 100 transitions serializes 100 steps, not 10,000. Only valid for states the
 * engine produced (do not mutate step records in place and serialize again with the same serializer).
 */
export function createStateSerializer(): (state: PipelineState) => string {
  const cache = new WeakMap<object, string>();
  const cached = (value: object): string => {
    let text = cache.get(value);
    if (text === undefined) {
      text = JSON.stringify(value);
      cache.set(value, text);
    }
    return text;
  };
  return (state) => {
    const stages = state.pipeline.stages.map((stage) =>
      stringifyWith(stage, 'steps', `[${stage.steps.map(cached).join(',')}]`),
    );
    const details = Object.entries(state.steps).map(
      ([id, detail]) => `${JSON.stringify(id)}:${cached(detail)}`,
    );
    return `{"pipeline":${stringifyWith(state.pipeline, 'stages', `[${stages.join(',')}]`)},"steps":{${details.join(',')}}}`;
  };
}
