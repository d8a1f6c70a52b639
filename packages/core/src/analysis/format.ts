/** Numbers in messages: exact for integers, 4 significant digits otherwise (0.31, 412.5, 0.001235). */
export function formatValue(value: number | undefined, unit = ''): string {
  if (value === undefined) return 'no value';
  if (!Number.isFinite(value)) return String(value);
  const text = Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  return `${text}${unit}`;
}
