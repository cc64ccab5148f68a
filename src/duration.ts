const UNITS: [number, string][] = [
  [365 * 86400, 'y'],
  [86400, 'd'],
  [3600, 'h'],
  [60, 'm'],
  [1, 's'],
];

/** "4m", "2h", "3d": the largest whole unit (seconds under a minute). */
export function duration(seconds: number): string {
  const s = Math.abs(Math.trunc(seconds));
  for (const [size, unit] of UNITS) {
    if (s >= size) return `${Math.floor(s / size)}${unit}`;
  }
  return '0s';
}
