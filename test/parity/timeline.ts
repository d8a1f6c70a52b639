import type { JsonRecord } from './records.js';

/** Every event of every record, in time order, one line each: when, which deployment, what, who via which front end. */
export function timeline(records: JsonRecord[]): string {
  return records
    .flatMap((record) =>
      record.events.map((event) => ({
        at: event.at,
        line: `${event.at}  ${record.deployment.id}  ${event.type.padEnd(18)} ${
          event.by ? `${String(event.by.user)} via ${String(event.by.frontEnd)}` : 'nobody'
        }  ${event.message.split('\n')[0] ?? ''}`,
      })),
    )
    .sort((a, b) => a.at.localeCompare(b.at))
    .map((e) => e.line)
    .join('\n');
}

/** The front ends that acted on a record: its creator's, then those of its events, each once, in order. */
export function actors(record: JsonRecord): string[] {
  const names = [String(record.deployment.metadata?.frontEnd)];
  for (const event of record.events) names.push(String(event.by?.frontEnd));
  return [...new Set(names)];
}
