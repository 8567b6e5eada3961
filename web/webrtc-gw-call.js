/**
 * webrtc-gw-call.js — one call of the webrtc-gw.js client (docs/API.md):
 * its RTCPeerConnection, offer/answer, trickle, hold, DTMF and stats.
 * Created by Gateway (webrtc-gw.js); import Call from there.
 */

import { Emitter, GatewayError } from './webrtc-gw-events.js';

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
