// Shared pieces of the demo pages (customer.html, agent.html): keypad, level
// meter, ringer, timer, stats formatting and the test hooks (window.gwPage).
// No framework; everything is created with the DOM API (CSP: no inline code).

export const $ = (id) => document.getElementById(id);
export const params = new URLSearchParams(location.search);

/** "m:ss" (or "h:mm:ss") from milliseconds. */
export function formatDuration(ms) {
  const t = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), s = t % 60;
  const mm = h ? String(m).padStart(2, '0') : String(m);
  return (h ? h + ':' : '') + mm + ':' + String(s).padStart(2, '0');
}

/** Human sentence for a call state. */
export const STATE_TEXT = {
  idle: 'Ready', connecting: 'Connecting…', calling: 'Calling…', ringing: 'Ringing…',
  early: 'Connecting audio…', incoming: 'Incoming call', answering: 'Answering…',
  active: 'In call', held: 'On hold', ended: 'Call ended',
};

/** The test hooks: window.gwPage = {gw, call, events, lastStats, ...}. */
export function installHooks(gw) {
  const page = { gw, call: null, events: [], lastStats: null, errors: [] };
  window.gwPage = page;
  gw.on('event', (ev) => page.events.push({ ...ev, t: Date.now() }));
  gw.on('error', (e) => page.errors.push({ code: e.code, message: e.message, t: Date.now() }));
  return page;
}

const KEYS = [
  ['1', ''], ['2', 'ABC'], ['3', 'DEF'], ['4', 'GHI'], ['5', 'JKL'], ['6', 'MNO'],
  ['7', 'PQRS'], ['8', 'TUV'], ['9', 'WXYZ'], ['*', ''], ['0', '+'], ['#', ''],
];

/** Fills `container` with a 12-key DTMF keypad; onDigit(d) on click or key press. */
export function buildKeypad(container, onDigit) {
  container.replaceChildren();
  for (const [digit, letters] of KEYS) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'key';
    b.dataset.digit = digit;
    b.setAttribute('aria-label', `Dial ${digit === '*' ? 'star' : digit === '#' ? 'pound' : digit}`);
    const d = document.createElement('span'); d.className = 'key-digit'; d.textContent = digit;
    const l = document.createElement('span'); l.className = 'key-letters'; l.textContent = letters;
    b.append(d, l);
    b.addEventListener('click', () => onDigit(digit));
    container.append(b);
  }
  return {
    setEnabled(on) { for (const b of container.querySelectorAll('button')) b.disabled = !on; },
    press(digit) {
      const b = container.querySelector(`button[data-digit="${CSS.escape(digit)}"]`);
      if (b && !b.disabled) { b.classList.add('pressed'); setTimeout(() => b.classList.remove('pressed'), 150); onDigit(digit); }
    },
  };
}

let audioCtx = null;
/** One shared AudioContext (created and resumed on demand). */
export function audioContext() {
  if (!audioCtx) audioCtx = new AudioContext();
  if (audioCtx.state === 'suspended') audioCtx.resume().catch(() => {});
  return audioCtx;
}

/**
 * Live level of a MediaStream (WebAudio AnalyserNode) drawn into a bar:
 * `bar` gets a CSS scaleX transform, `meter` gets aria-valuenow (0..100).
 */
export class LevelMeter {
  constructor(meter, bar) { this.meter = meter; this.bar = bar; this.level = 0; this._raf = 0; this._src = null; }
  attach(stream) {
    this.detach();
    if (!stream || stream.getAudioTracks().length === 0) return;
    const ctx = audioContext();
    this._src = ctx.createMediaStreamSource(stream);
    const an = ctx.createAnalyser();
    an.fftSize = 1024;
    this._src.connect(an);
    const buf = new Float32Array(an.fftSize);
    const tick = () => {
      an.getFloatTimeDomainData(buf);
      let sum = 0;
      for (let i = 0; i < buf.length; i++) sum += buf[i] * buf[i];
      const rms = Math.sqrt(sum / buf.length);
      // dBFS -60..0 mapped to 0..1, with a little smoothing.
      const db = rms > 0 ? 20 * Math.log10(rms) : -100;
      const v = Math.min(1, Math.max(0, (db + 60) / 60));
      this.level = v > this.level ? v : this.level * 0.85 + v * 0.15;
      this._draw(this.level);
      this._raf = requestAnimationFrame(tick);
    };
    this._raf = requestAnimationFrame(tick);
  }
  detach() {
    cancelAnimationFrame(this._raf);
    if (this._src) { try { this._src.disconnect(); } catch (e) { /* gone */ } }
    this._src = null;
    this.level = 0;
    this._draw(0);
  }
  _draw(v) {
    if (this.bar) this.bar.style.transform = `scaleX(${v.toFixed(3)})`;
    if (this.meter) this.meter.setAttribute('aria-valuenow', String(Math.round(v * 100)));
  }
}

/** A ringing sound made with WebAudio (UK-style double ring, 400+450 Hz). */
export class Ringer {
  constructor() { this._timer = 0; this._nodes = []; }
  start() {
    this.stop();
    let ctx;
    try { ctx = audioContext(); } catch (e) { return; }
    const burst = (at, len) => {
      const gain = ctx.createGain();
      gain.gain.setValueAtTime(0, at);
      gain.gain.linearRampToValueAtTime(0.12, at + 0.02);
      gain.gain.setValueAtTime(0.12, at + len - 0.02);
      gain.gain.linearRampToValueAtTime(0, at + len);
      gain.connect(ctx.destination);
      for (const f of [400, 450]) {
        const o = ctx.createOscillator();
        o.frequency.value = f;
        o.connect(gain);
        o.start(at); o.stop(at + len);
        this._nodes.push(o);
      }
    };
    const cycle = () => {
      this._nodes = [];
      const t = ctx.currentTime + 0.05;
      burst(t, 0.4); burst(t + 0.6, 0.4);
    };
    cycle();
    this._timer = setInterval(cycle, 3000);
  }
  stop() {
    clearInterval(this._timer);
    this._timer = 0;
    for (const o of this._nodes) { try { o.stop(); } catch (e) { /* stopped */ } }
    this._nodes = [];
  }
}

/** Updates `el` every second with the time since `since()` (ms epoch or 0). */
export function startTimer(el, since) {
  const tick = () => { const t0 = since(); el.textContent = t0 ? formatDuration(Date.now() - t0) : '0:00'; };
  tick();
  return setInterval(tick, 1000);
}

/** Short text for a stats value. */
export function fmt(v, unit = '', digits = 0) {
  if (v == null || Number.isNaN(v)) return '—';
  return (typeof v === 'number' ? v.toFixed(digits) : String(v)) + unit;
}

/** Loss in percent of expected packets (null when unknown). */
export function lossPercent(s) {
  if (s.packets_received == null || s.packets_lost == null) return null;
  const expected = s.packets_received + Math.max(0, s.packets_lost);
  return expected > 0 ? (100 * Math.max(0, s.packets_lost)) / expected : 0;
}

/** Polls call.stats() every second; onStats(stats) until stop(). */
export function pollStats(call, onStats) {
  let stopped = false;
  const run = async () => {
    while (!stopped && !call.ended) {
      try { onStats(await call.stats()); } catch (e) { /* pc closed */ }
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  run();
  return () => { stopped = true; };
}

/** Shows a message in a notice element (role=status or alert in the page). */
export function notify(el, text, kind = 'info') {
  el.textContent = text || '';
  el.dataset.kind = kind;
  el.hidden = !text;
}
