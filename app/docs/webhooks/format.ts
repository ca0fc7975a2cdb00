/** Small formatters that turn the delivery engine's policy constants into prose for the docs. */

const UNITS: readonly [seconds: number, name: string][] = [
  [24 * 60 * 60, "day"],
  [60 * 60, "hour"],
  [60, "minute"],
  [1, "second"],
];

function parts(seconds: number): string[] {
  const result: string[] = [];
  let rest = Math.round(seconds);
  for (const [size, name] of UNITS) {
    // Whole days only read better from two days on: "24 hours", not "1 day".
    if (name === "day" && rest < 2 * size) continue;
    const count = Math.floor(rest / size);
    if (count > 0) result.push(`${count} ${name}${count === 1 ? "" : "s"}`);
    rest -= count * size;
  }
  return result;
}

/** 0 → "immediately", 300 → "5 minutes", 5400 → "1 hour 30 minutes", 432000 → "5 days". */
export function humaniseSeconds(seconds: number): string {
  return seconds <= 0 ? "immediately" : parts(seconds).join(" ");
}

/** Like {@link humaniseSeconds} without "immediately": 0 → "0 seconds". */
export function durationText(seconds: number): string {
  return seconds <= 0 ? "0 seconds" : parts(seconds).join(" ");
}

/** The two largest units only: 9305 → "2 hours 35 minutes". */
export function roughDuration(seconds: number): string {
  return seconds <= 0 ? "0 seconds" : parts(seconds).slice(0, 2).join(" ");
}

/** 30000 → "30 seconds", 2500 → "2.5 seconds". */
export function millisecondsText(ms: number): string {
  return ms % 1000 === 0 ? durationText(ms / 1000) : `${ms / 1000} seconds`;
}

/** 0.2 → "20 %". */
export function percentText(ratio: number): string {
  return `${Math.round(ratio * 100)} %`;
}
