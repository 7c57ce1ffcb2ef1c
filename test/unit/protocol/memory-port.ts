import type { FramePort } from '../../../src/protocol';

/**
 * Two connected in-memory ports with Chrome's semantics that matter here: messages are structured-cloned
 * and delivered asynchronously, and disconnecting one end fires onDisconnect on the other only.
 */
export function portPair(): [FramePort, FramePort] {
  const make = () => ({
    messageListeners: [] as Array<(m: unknown) => void>,
    disconnectListeners: [] as Array<() => void>,
    open: true,
  });
  const a = make();
  const b = make();
  const side = (self: ReturnType<typeof make>, peer: ReturnType<typeof make>): FramePort => ({
    postMessage(message) {
      if (!self.open) throw new Error('Attempting to use a disconnected port object');
      const copy = structuredClone(message);
      queueMicrotask(() => peer.open && peer.messageListeners.forEach((l) => l(copy)));
    },
    disconnect() {
      if (!self.open) return;
      self.open = false;
      peer.open = false;
      queueMicrotask(() => peer.disconnectListeners.forEach((l) => l()));
    },
    onMessage: { addListener: (cb) => self.messageListeners.push(cb) },
    onDisconnect: { addListener: (cb) => self.disconnectListeners.push(cb) },
  });
  return [side(a, b), side(b, a)];
}
