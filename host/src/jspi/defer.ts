// A task after the I/O that is ready now, on any event loop: Node's
// setImmediate (the check phase right after this poll phase, still the same
// event-loop turn); elsewhere (a browser worker, which has no setImmediate)
// a message to ourselves, the nearest macrotask that timers do not clamp.

function messageTask(): (fn: () => void) => void {
  // One channel and a queue: a resume is on the hot path, a new channel per call is not.
  let channel: MessageChannel | null = null;
  const queue: (() => void)[] = [];
  return (fn) => {
    if (channel === null) {
      channel = new MessageChannel();
      channel.port1.onmessage = () => queue.shift()?.();
    }
    queue.push(fn);
    channel.port2.postMessage(null);
  };
}

export const deferTask: (fn: () => void) => void = typeof setImmediate === 'function' ? (fn) => void setImmediate(fn) : messageTask();
