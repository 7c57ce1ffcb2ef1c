// Lets queued tasks run between model steps. onnxruntime-web's WASM backend (no proxy worker) computes a whole
// run inside one synchronous wasm call and resolves its promise as a microtask, so a loop of runs never gives
// the event loop a turn: a cancel frame arriving on the port would wait until the answer is finished (and
// extension pages sharing the offscreen document's renderer froze with it; measured in Chromium).
// A MessageChannel message is an ordinary task: it queues behind what is already waiting, without the 4 ms
// clamp of nested setTimeout. (scheduler.yield does not do here: Chrome runs its continuation ahead of
// other queued tasks, which kept the cancel frame waiting.) Node has setImmediate.

export function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
