/**
 * Polls `read` until `done` holds, then returns the value it read. For flows that finish
 * asynchronously but within a bound (an event delivered, a job's chunk committed): the test waits
 * for the state it needs instead of sleeping, and fails naming the last value it saw.
 */
export async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > end) throw new Error(`condition not reached within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
