// Kafka's version-range syntax: "3", "1-4", "2+", "none".
export function parseVersions(s) {
  if (s === undefined || s === 'none') return { lo: 0, hi: -1 };
  if (s.endsWith('+')) return { lo: Number(s.slice(0, -1)), hi: Infinity };
  const [lo, hi] = s.split('-');
  return { lo: Number(lo), hi: Number(hi ?? lo) };
}

export function inRange(v, r) {
  return v >= r.lo && v <= r.hi;
}
