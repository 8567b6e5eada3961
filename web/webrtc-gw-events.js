/**
 * webrtc-gw-events.js — the event emitter and error type shared by the
 * webrtc-gw.js client modules (re-exported by webrtc-gw.js).
 */

/** A minimal event emitter: on / off / once / emit. */
export class Emitter {
  constructor() { this._handlers = new Map(); }
  /** Adds a handler; returns a function that removes it. */
  on(name, fn) {
    if (!this._handlers.has(name)) this._handlers.set(name, new Set());
    this._handlers.get(name).add(fn);
    return () => this.off(name, fn);
  }
  off(name, fn) { const s = this._handlers.get(name); if (s) s.delete(fn); }
  once(name, fn) {
    const off = this.on(name, (...a) => { off(); fn(...a); });
    return off;
  }
  emit(name, ...args) {
    const s = this._handlers.get(name);
    if (!s) return;
    for (const fn of [...s]) {
      try { fn(...args); } catch (e) { console.error(`webrtc-gw: '${name}' handler failed:`, e); }
    }
  }
}

/** An error response of the gateway (or a local failure with a code). */
export class GatewayError extends Error {
  constructor(code, message) {
    super(message || code);
    this.name = 'GatewayError';
    this.code = code;
  }
}
