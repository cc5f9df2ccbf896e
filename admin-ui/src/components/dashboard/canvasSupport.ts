/**
 * Whether this browser can draw on a canvas. Chart.js only logs when it cannot, and then throws on
 * the chart's next update; the charts check first and show their figures as a table instead.
 */
let supported: boolean | undefined;

export function canvasSupported(): boolean {
  if (supported === undefined) {
    try {
      supported = typeof document !== "undefined" && document.createElement("canvas").getContext("2d") !== null;
    } catch {
      supported = false;
    }
  }
  return supported;
}
