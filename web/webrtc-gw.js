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

const PROTOCOL_VERSION = 1;
const CLIENT_NAME = 'webrtc-gw.js/1.0';

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

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves when ICE gathering is complete or after `ms`, whichever comes first. */
function gatheringComplete(pc, ms) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (v) => { clearTimeout(timer); pc.removeEventListener('icegatheringstatechange', check); resolve(v); };
    const check = () => { if (pc.iceGatheringState === 'complete') done(true); };
    const timer = setTimeout(() => done(false), ms);
    pc.addEventListener('icegatheringstatechange', check);
  });
}

function defaultUrl() {
  const loc = globalThis.location;
  if (!loc) throw new Error('webrtc-gw: no location; pass the WebSocket URL');
  return `${loc.protocol === 'http:' ? 'ws' : 'wss'}://${loc.host}/api/v1/ws`;
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

/** One call, outgoing (gw.call) or incoming (gw.on('incoming')). */
export class Call extends Emitter {
  constructor(gw, { direction, peer, id = null }) {
    super();
    this.gw = gw;
    this.id = id;
    this.direction = direction;
    /** The target (outgoing) or the caller's DN / SIP URI (incoming). */
    this.peer = peer;
    this.displayName = '';
    this.state = direction === 'incoming' ? 'incoming' : 'calling';
    this.pc = null;
    this.localStream = null;
    /** Remote audio: set it as srcObject of an <audio autoplay> element. */
    this.remoteStream = new MediaStream();
    this.remoteOffer = null;
    this.muted = false;
    /** Who holds the call: 'local' (this browser asked) and/or 'remote'. */
    this.heldBy = new Set();
    this.answeredAt = null;
    this.endedReason = null;
    this.trickle = false;
    this._ownStream = false;
    this._earlySdp = null;
    this._pendingCandidates = [];
    this._localCandidates = [];
    this._hangupWanted = false;
    this._queue = Promise.resolve();
  }

  get ended() { return this.state === 'ended'; }

  /** On hold (by either side). */
  get held() { return this.heldBy.size > 0; }

  /** On hold because this browser asked (so resume() takes it off). */
  get heldLocally() { return this.heldBy.has('local'); }

  /** Milliseconds since the call was answered (0 before). */
  get durationMs() { return this.answeredAt ? Date.now() - this.answeredAt : 0; }

  _setState(s) {
    if (this.state === s) return;
    const prev = this.state;
    this.state = s;
    this.emit('state', s, prev);
  }

  async _media(opts) {
    if (opts.stream) { this.localStream = opts.stream; return; }
    this.localStream = await navigator.mediaDevices.getUserMedia({ audio: opts.audio || true, video: false });
    this._ownStream = true;
  }

  _makePc() {
    const pc = new RTCPeerConnection({ iceServers: this.gw.iceServers, bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    this.pc = pc;
    pc.addEventListener('track', (ev) => {
      if (!this.remoteStream.getTracks().includes(ev.track)) this.remoteStream.addTrack(ev.track);
      this.emit('track', ev.track);
    });
    pc.addEventListener('connectionstatechange', () => this.emit('connection', pc.connectionState));
    return pc;
  }

  _addTracks() {
    for (const t of this.localStream.getAudioTracks()) {
      t.enabled = !this.muted;
      this.pc.addTrack(t, this.localStream);
    }
  }

  async _placeCall(opts) {
    this.trickle = opts.trickle ?? this.gw.options.trickle;
    await this._media(opts);
    if (this.state === 'ended') {
      if (this._ownStream) for (const t of this.localStream.getTracks()) t.stop();
      throw new GatewayError('hangup', 'You hung up.');
    }
    const pc = this._makePc();
    this._addTracks();
    if (this.trickle) {
      pc.addEventListener('icecandidate', (ev) => {
        const c = ev.candidate;
        this._sendCandidate(c && c.candidate ? { candidate: c.candidate, mid: c.sdpMid } : { candidate: null });
      });
    }
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    let sdp = offer.sdp;
    if (!this.trickle) {
      await gatheringComplete(pc, this.gw.options.gatherTimeoutMs);
      sdp = pc.localDescription.sdp;
    }
    if (this.state === 'ended') throw new GatewayError('hangup', 'You hung up.');
    const r = await this.gw.request('call', { target: this.peer, sdp, trickle: this.trickle });
    this.id = r.call_id;
    if (this._hangupWanted || this.state === 'ended') { // hung up while the request was on its way
      this.gw.request('hangup', { call_id: this.id }).catch(() => {});
      throw new GatewayError('hangup', 'You hung up.');
    }
    this.gw._register(this);
    for (const c of this._localCandidates.splice(0)) this._sendCandidate(c);
  }

  _sendCandidate(c) {
    if (!this.id) { this._localCandidates.push(c); return; }
    if (this.state === 'ended') return;
    const fields = { call_id: this.id, candidate: c.candidate };
    if (c.mid != null && c.mid !== '') fields.mid = String(c.mid);
    this.gw.request('ice-candidate', fields).catch((e) => this.gw.emit('error', e));
  }

  async _setRemote(type, sdp) {
    await this.pc.setRemoteDescription({ type, sdp });
    for (const c of this._pendingCandidates.splice(0)) await this._addCandidate(c);
  }

  async _addCandidate(ev) {
    if (!this.pc || !this.pc.remoteDescription) { this._pendingCandidates.push(ev); return; }
    try {
      if (ev.candidate) await this.pc.addIceCandidate({ candidate: ev.candidate, sdpMid: ev.mid || null, sdpMLineIndex: ev.mid ? null : 0 });
      else await this.pc.addIceCandidate();
    } catch (e) {
      this.gw.emit('error', new GatewayError('bad-candidate', `addIceCandidate failed: ${e.message}`));
    }
  }

  _onEvent(ev) {
    // One event at a time, in order (applying an SDP is asynchronous).
    this._queue = this._queue.then(() => this._handleEvent(ev));
  }

  async _handleEvent(ev) {
    if (this.state === 'ended') return;
    try {
      switch (ev.event) {
        case 'ringing':
          if (this.state === 'calling') this._setState('ringing');
          this.emit('ringing');
          break;
        case 'early-media':
          this._earlySdp = ev.sdp;
          try { await this._setRemote('pranswer', ev.sdp); } catch (e) {
            await this._setRemote('answer', ev.sdp); // final answer then; 'answered' may repeat it
          }
          if (this.state === 'calling' || this.state === 'ringing') this._setState('early');
          this.emit('early-media');
          break;
        case 'answered': {
          const sdp = ev.sdp || this._earlySdp;
          if (sdp && this.pc.signalingState !== 'stable') await this._setRemote('answer', sdp);
          if (this.state === 'ended') return;
          this.answeredAt = Date.now();
          this._setState('active');
          this.emit('answered');
          break;
        }
        case 'ended':
          this._end({ reason: ev.reason, message: ev.message, sip_status: ev.sip_status });
          break;
        case 'held':
          this.heldBy.add(ev.by === 'remote' ? 'remote' : 'local');
          this._setState('held');
          this.emit('held', { by: ev.by });
          break;
        case 'resumed':
          this.heldBy.delete(ev.by === 'remote' ? 'remote' : 'local');
          if (this.heldBy.size === 0) this._setState('active');
          this.emit('resumed', { by: ev.by });
          break;
        case 'dtmf':
          this.emit('dtmf', { digits: ev.digits, duration_ms: ev.duration_ms });
          break;
        case 'ice-candidate':
          await this._addCandidate(ev);
          break;
        case 'stats':
          this.emit('stats', ev.stats);
          break;
        default:
          break;
      }
    } catch (e) {
      this.gw.emit('error', new GatewayError('media', `Applying "${ev.event}" failed: ${e.message}`));
    }
  }

  /** Answers an incoming call. @param {object} [opts] {stream, audio} */
  async answer(opts = {}) {
    if (this.direction !== 'incoming' || this.state !== 'incoming') {
      throw new GatewayError('bad-state', 'There is no incoming call to answer.');
    }
    this._setState('answering');
    try {
      await this._media(opts);
      const pc = this._makePc();
      await this._setRemote('offer', this.remoteOffer);
      this._addTracks();
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      await gatheringComplete(pc, this.gw.options.gatherTimeoutMs);
      if (this.state === 'ended') return;
      await this.gw.request('answer', { call_id: this.id, sdp: pc.localDescription.sdp });
    } catch (e) {
      if (this.state !== 'ended') {
        this.gw.request('reject', { call_id: this.id, reason: 'unavailable' }).catch(() => {});
        this._end({ reason: 'error', message: e.message });
      }
      throw e;
    }
    if (this.state === 'answering') {
      this.answeredAt = Date.now();
      this._setState('active');
      this.emit('answered');
    }
  }

  /** Declines an incoming call: reason "rejected" (default), "busy" or "unavailable". */
  async reject(reason = 'rejected') {
    if (this.state === 'ended') return;
    try { await this.gw.request('reject', { call_id: this.id, reason }); } finally {
      this._end({ reason: 'rejected', message: 'You declined the call.' });
    }
  }

  /** Hangs up (or cancels) the call. Resolves once the gateway confirmed. */
  async hangup() {
    if (this.state === 'ended') return;
    if (!this.id) { // the `call` request is not answered yet: _placeCall hangs up
      this._hangupWanted = true;
      this._end({ reason: 'hangup', message: 'You hung up.' });
      return;
    }
    try {
      await this.gw.request('hangup', { call_id: this.id });
    } catch (e) {
      if (e.code !== 'no-such-call') throw e;
      this._end({ reason: 'hangup', message: 'You hung up.' });
      return;
    }
    // The gateway confirms with `ended`; end locally if that does not come.
    await Promise.race([new Promise((r) => this.once('ended', r)), sleep(3000)]);
    this._end({ reason: 'hangup', message: 'You hung up.' });
  }

  /** Puts the call on hold (event 'held' confirms). */
  hold() { return this.gw.request('hold', { call_id: this.id }); }

  /** Takes the call off hold (event 'resumed' confirms). */
  resume() { return this.gw.request('resume', { call_id: this.id }); }

  /** Mutes / unmutes the microphone (local track.enabled). */
  mute(on = true) {
    this.muted = !!on;
    if (this.localStream) for (const t of this.localStream.getAudioTracks()) t.enabled = !this.muted;
    this.emit('mute', this.muted);
    return this.muted;
  }

  /**
   * Sends DTMF digits (0-9 * # A-D). In-band RFC 4733 through
   * RTCDTMFSender.insertDTMF when the call negotiated telephone-event, else
   * the gateway's `dtmf` request. Resolves with {mode: 'rfc4733'|'api'}.
   */
  async dtmf(digits, { duration_ms = 100, gap_ms = 70 } = {}) {
    digits = String(digits).toUpperCase();
    const sender = this.pc && this.pc.getSenders().find((s) => s.track && s.track.kind === 'audio');
    const dtmf = sender && sender.dtmf;
    if (dtmf && dtmf.canInsertDTMF) {
      dtmf.insertDTMF(dtmf.toneBuffer + digits, Math.max(40, duration_ms), Math.max(30, gap_ms));
      return { mode: 'rfc4733' };
    }
    await this.gw.request('dtmf', { call_id: this.id, digits, duration_ms });
    return { mode: 'api' };
  }

  /** Asks the gateway for its view of the call (the `stats` request). */
  async gatewayStats() {
    return (await this.gw.request('stats', { call_id: this.id })).stats;
  }

  /**
   * This browser's view of the call from pc.getStats(), normalized:
   * {codec, rtt_ms, jitter_ms, packets_received, packets_lost, packets_sent,
   *  bytes_received, bytes_sent, audio_level, connection, duration_ms}
   * (a field is null when not known yet).
   */
  async stats() {
    const out = {
      codec: null, rtt_ms: null, jitter_ms: null, packets_received: null, packets_lost: null,
      packets_sent: null, bytes_received: null, bytes_sent: null, audio_level: null,
      connection: this.pc ? this.pc.connectionState : 'new', duration_ms: this.durationMs,
    };
    if (!this.pc) return out;
    const report = await this.pc.getStats();
    let pairRtt = null;
    for (const s of report.values()) {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') {
        out.packets_received = s.packetsReceived ?? null;
        out.packets_lost = s.packetsLost ?? null;
        out.bytes_received = s.bytesReceived ?? null;
        if (typeof s.jitter === 'number') out.jitter_ms = Math.round(s.jitter * 10000) / 10;
        if (typeof s.audioLevel === 'number') out.audio_level = s.audioLevel;
        const c = s.codecId && report.get(s.codecId);
        if (c) out.codec = codecName(c);
      } else if (s.type === 'outbound-rtp' && s.kind === 'audio') {
        out.packets_sent = s.packetsSent ?? null;
        out.bytes_sent = s.bytesSent ?? null;
        if (!out.codec) { const c = s.codecId && report.get(s.codecId); if (c) out.codec = codecName(c); }
      } else if (s.type === 'remote-inbound-rtp' && s.kind === 'audio' && typeof s.roundTripTime === 'number') {
        out.rtt_ms = Math.round(s.roundTripTime * 1000);
      } else if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded'
                 && typeof s.currentRoundTripTime === 'number') {
        pairRtt = Math.round(s.currentRoundTripTime * 1000);
      }
    }
    if (out.rtt_ms == null) out.rtt_ms = pairRtt;
    return out;
  }

  _end(info) {
    if (this.state === 'ended') return;
    this.endedReason = info.reason;
    if (this.pc) { try { this.pc.close(); } catch (e) { /* closed */ } }
    if (this._ownStream && this.localStream) for (const t of this.localStream.getTracks()) t.stop();
    if (this.id) this.gw.calls.delete(this.id);
    this._setState('ended');
    this.emit('ended', info);
  }
}

function codecName(c) {
  const name = (c.mimeType || '').replace(/^audio\//i, '');
  return `${name}/${c.clockRate}${c.channels ? '/' + c.channels : ''}`;
}
