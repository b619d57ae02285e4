// Renders a source's key template for a run date: {yyyy}, {mm} and {dd} become the date's parts.
import { InvalidInput } from './errors.ts';

export function renderKeyTemplate(template: string, runDate: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(runDate);
  if (!match) throw new InvalidInput(`run date must be YYYY-MM-DD, got ${runDate}`);
  const [, yyyy, mm, dd] = match as unknown as [string, string, string, string];
  return template.replaceAll('{yyyy}', yyyy).replaceAll('{mm}', mm).replaceAll('{dd}', dd);
}

/** The part of a key template before its first placeholder: the prefix every run's keys share. */
export function staticPrefix(template: string): string {
  const brace = template.indexOf('{');
  return brace === -1 ? template : template.slice(0, brace);
}
