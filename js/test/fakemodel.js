// Shared by the tests of what a view sends and receives (lod.test.js, chunks.test.js): a
// model whose handlers the test calls, recording what the view sends.

/**
 * @returns {{ sent: any[][], handlers: Map<string, Function>, get: () => null,
 *   on: (e: string, cb: Function) => void, off: (e?: string | null) => void,
 *   send: (...args: any[]) => void, set: () => void, save_changes: () => void }}
 *   `sent` holds the arguments of every `send` call: [content, callbacks, buffers]
 */
export function fakeModel() {
  /** @type {any[][]} */
  const sent = [];
  /** @type {Map<string, Function>} */
  const handlers = new Map();
  return {
    sent,
    handlers,
    get: () => null,
    on: (e, cb) => void handlers.set(e, cb),
    off: (e) => void handlers.delete(String(e)),
    send: (...args) => void sent.push(args),
    set() {},
    save_changes() {},
  };
}
