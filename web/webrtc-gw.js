/**
 * webrtc-gw.js — browser client for the webrtc-gw WebSocket API (docs/API.md).
 * Dependency-free ES module; no build step.
 *
 *   import { Gateway } from './webrtc-gw.js';
 *   const gw = new Gateway();                  // wss://<page host>/api/v1/ws
 *   await gw.connect();                        // hello; keeps iceServers
 *   await gw.signIn('2001', { token });        // agents only: receive calls
 *   gw.on('incoming', async (call) => { await call.answer(); });
 *   const call = await gw.call('echo');        // getUserMedia({audio}) if no stream
 *   audioElement.srcObject = call.remoteStream;
 *   call.on('answered', () => ...); call.on('ended', (e) => e.reason);
 *   call.mute(true); await call.hold(); await call.resume();
 *   await call.dtmf('12#');                    // in-band RFC 4733 when possible
 *   const s = await call.stats();              // {codec, rtt_ms, jitter_ms, ...}
 *   await call.hangup();
 *
 * Gateway events: 'incoming' (Call), 'call' (Call, as soon as an outgoing call
 *   object exists), 'signed-out' ({reason, message}), 'closed' ({code, reason}),
 *   'registration' ({state, message, sip_status}: the DN at the SIP server,
 *   when the gateway has one; also kept in gw.registration),
 *   'error' (Error), 'event' (every raw event frame, in order).
 * Call events: 'state' (state, previous), 'ringing', 'early-media', 'answered',
 *   'ended' ({reason, message, sip_status}), 'held' / 'resumed' ({by}),
 *   'dtmf' ({digits, duration_ms}), 'stats' (the gateway's stats object),
 *   'track' (MediaStreamTrack), 'mute' (bool).
 * Call states: 'calling', 'ringing', 'early', 'incoming', 'answering',
 *   'active', 'held', 'ended'.
 * Failed requests reject with a GatewayError: `.code` (docs/API.md §5) and
 *   `.message` (a sentence for a person).
 */

import { Emitter, GatewayError } from './webrtc-gw-events.js';
import { Call } from './webrtc-gw-call.js';

export { Emitter, GatewayError, Call };

const PROTOCOL_VERSION = 1;
const CLIENT_NAME = 'webrtc-gw.js/1.0';

function defaultUrl() {
  const loc = globalThis.location;
  if (!loc) throw new Error('webrtc-gw: no location; pass the WebSocket URL');
  return `${loc.protocol === 'http:' ? 'ws' : 'wss'}://${loc.host}/api/v1/ws`;
}

/**
 * ICE servers from a page's query string: ?stun=stun:host:port (repeatable,
 * or comma-separated). Anything but a stun:/stuns: URL is ignored.
 * @param {URLSearchParams} params
 * @returns {RTCIceServer[]}
 */
export function iceServersFromQuery(params) {
  const urls = params.getAll('stun').flatMap((v) => v.split(',')).map((u) => u.trim())
    .filter((u) => /^stuns?:[^\s?#]+$/.test(u));
  return urls.length ? [{ urls }] : [];
}

/**
 * One session with the gateway.
 * @param {string} [url] WebSocket URL, default wss://<location.host>/api/v1/ws
 * @param {object} [options]
 * @param {boolean} [options.trickle=false] send the offer at once and trickle
 *   candidates (else wait for ICE gathering, at most gatherTimeoutMs)
 * @param {number} [options.gatherTimeoutMs=3000]
 * @param {number} [options.keepaliveMs=25000] `ping` interval (0 = none)
 * @param {number} [options.requestTimeoutMs=15000]
 * @param {RTCIceServer[]} [options.extraIceServers=[]] used before the gateway's
 *   (e.g. an enterprise STUN server for agents behind the enterprise NAT)
 */
export class Gateway extends Emitter {
  constructor(url, options = {}) {
    super();
    this.url = url || defaultUrl();
    this.options = { trickle: false, gatherTimeoutMs: 3000, keepaliveMs: 25000, requestTimeoutMs: 15000,
      extraIceServers: [], ...options };
    this.ws = null;
    this.connected = false;
    this.iceServers = [];
    this.version = null;
    this.sessionId = null;
    this.server = null;
    this.limits = null;
    this.dn = null;
    /** @type {Map<string, Call>} live calls by call_id */
    this.calls = new Map();
    this._nextId = 1;
    this._pending = new Map();
    this._orphans = new Map(); // call_id -> events that came before the call was known
    this._keepalive = null;
    this._connecting = null;
  }

  /** Opens the WebSocket and says hello. Resolves with the hello response. */
  connect() {
    if (this.connected) return Promise.resolve({ version: this.version, iceServers: this.iceServers });
    if (!this._connecting) this._connecting = this._connect().finally(() => { this._connecting = null; });
    return this._connecting;
  }

  async _connect() {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    await new Promise((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new GatewayError('connect-failed', `Could not connect to ${this.url}.`));
      ws.onclose = (ev) => reject(new GatewayError('connect-failed', `Connection closed (${ev.code}).`));
    });
    ws.onerror = () => this.emit('error', new GatewayError('socket', 'WebSocket error'));
    ws.onclose = (ev) => this._onClose(ev);
    ws.onmessage = (ev) => this._onMessage(ev.data);
    let r;
    try {
      r = await this.request('hello', { versions: [PROTOCOL_VERSION], client: CLIENT_NAME });
    } catch (e) {
      ws.close(1000, 'hello failed');
      throw e;
    }
    this.connected = true;
    this.version = r.version;
    this.server = r.server || null;
    this.sessionId = r.session_id || null;
    const extra = Array.isArray(this.options.extraIceServers) ? this.options.extraIceServers : [];
    this.iceServers = [...extra, ...(Array.isArray(r.iceServers) ? r.iceServers : [])];
    this.limits = r.limits || null;
    if (this.options.keepaliveMs > 0) {
      this._keepalive = setInterval(() => { this.request('ping').catch(() => {}); }, this.options.keepaliveMs);
    }
    return r;
  }

  /** Closes the session (the gateway ends its calls). */
  close() {
    if (this.ws && this.ws.readyState <= 1) this.ws.close(1000, 'bye');
  }

  /**
   * Sends one request; resolves with the response object (minus id/ok), or
   * rejects with a GatewayError carrying the gateway's error code.
   */
  request(type, fields = {}) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(new GatewayError('not-connected', 'Not connected to the gateway.'));
    }
    const id = this._nextId++;
    const frame = JSON.stringify({ id, type, ...fields });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this._pending.delete(id);
        reject(new GatewayError('timeout', `No answer from the gateway to "${type}".`));
      }, this.options.requestTimeoutMs);
      this._pending.set(id, { resolve, reject, timer, type });
      this.ws.send(frame);
    });
  }

  /** Signs in as a DN (to receive calls). `auth`: {token} or {password}. */
  async signIn(dn, auth = {}) {
    const fields = { dn: String(dn) };
    if (auth.token) fields.token = auth.token;
    else if (auth.password) fields.password = auth.password;
    const r = await this.request('signin', fields);
    this.dn = r.dn || fields.dn;
    return r;
  }

  /** Signs out; the DN no longer receives calls. */
  async signOut() {
    const r = await this.request('signout');
    this.dn = null;
    return r;
  }

  /**
   * Calls a target ("echo", "tone", a DN or a sip: URI). Resolves with the
   * Call once the gateway accepted it (call_id known).
   * @param {string} target
   * @param {object} [opts] {stream: MediaStream, trickle: bool, audio: constraints}
   */
  async call(target, opts = {}) {
    const call = new Call(this, { direction: 'outgoing', peer: String(target) });
    this.emit('call', call);
    try {
      await call._placeCall(opts);
    } catch (e) {
      call._end({ reason: e.code === 'hangup' ? 'hangup' : 'error', message: e.message, code: e.code });
      throw e;
    }
    return call;
  }

  _register(call) {
    this.calls.set(call.id, call);
    const queued = this._orphans.get(call.id);
    this._orphans.delete(call.id);
    if (queued) for (const ev of queued) call._onEvent(ev);
  }

  _onMessage(data) {
    let msg;
    try { msg = JSON.parse(data); } catch (e) {
      this.emit('error', new GatewayError('bad-json', 'The gateway sent a frame that is not JSON.'));
      return;
    }
    if (msg && msg.type === 'event') { this._onEvent(msg); return; }
    if (msg && 'id' in msg) {
      const p = this._pending.get(msg.id);
      if (!p) {
        const err = msg.error || {};
        this.emit('error', new GatewayError(err.code || 'unexpected', err.message || `Unexpected response id ${msg.id}`));
        return;
      }
      this._pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.ok) {
        const { id, ok, ...rest } = msg;
        p.resolve(rest);
      } else {
        const err = msg.error || {};
        p.reject(new GatewayError(err.code || 'error', err.message || `"${p.type}" failed`));
      }
    }
  }

  _onEvent(ev) {
    this.emit('event', ev);
    switch (ev.event) {
      case 'incoming-call': {
        const call = new Call(this, { direction: 'incoming', peer: ev.from, id: ev.call_id });
        call.displayName = ev.display_name || '';
        call.remoteOffer = ev.sdp;
        this._register(call);
        call._setState('incoming');
        this.emit('incoming', call);
        return;
      }
      case 'registration':
        this.registration = { state: ev.state, message: ev.message || '', sip_status: ev.sip_status };
        this.emit('registration', this.registration);
        return;
      case 'signed-out':
        this.dn = null;
        this.registration = null;
        this.emit('signed-out', { reason: ev.reason, message: ev.message });
        return;
      default:
        if (ev.call_id) {
          const call = this.calls.get(ev.call_id);
          if (call) call._onEvent(ev);
          else {
            // An event for a call whose `call` response is still on its way.
            const q = this._orphans.get(ev.call_id) || [];
            if (q.length < 64) q.push(ev);
            this._orphans.set(ev.call_id, q);
            if (this._orphans.size > 16) this._orphans.delete(this._orphans.keys().next().value);
          }
        }
    }
  }

  _onClose(ev) {
    this.connected = false;
    clearInterval(this._keepalive);
    for (const [, p] of this._pending) {
      clearTimeout(p.timer);
      p.reject(new GatewayError('closed', 'The connection to the gateway was closed.'));
    }
    this._pending.clear();
    for (const call of [...this.calls.values()]) {
      call._end({ reason: 'peer-gone', message: 'The connection to the gateway was lost.' });
    }
    this.dn = null;
    this.emit('closed', { code: ev.code, reason: ev.reason });
  }
}
