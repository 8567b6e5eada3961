// Customer click-to-call page (customer.html).
// Query parameters: ?target=echo|tone|<DN>  &autocall=1 (call on load, for tests)
//                   &trickle=1 (trickle ICE instead of waiting for gathering)
//                   &stun=stun:HOST:PORT (an extra STUN server, e.g. the enterprise one).
import { Gateway, iceServersFromQuery } from './webrtc-gw.js';
import {
  $, params, STATE_TEXT, installHooks, buildKeypad, LevelMeter, startTimer, pollStats, fmt, lossPercent, notify,
} from './ui.js';

const gw = new Gateway(undefined, { trickle: params.get('trickle') === '1', extraIceServers: iceServersFromQuery(params) });
const page = installHooks(gw);
const audio = $('remote-audio');
const meter = new LevelMeter($('level'), $('level-bar'));
const notice = $('notice');
let call = null;
let timer = 0;
let stopStats = null;
let busy = false; // between the click on Call and the call object

const keypad = buildKeypad($('keypad'), async (digit) => {
  if (!call || !(call.state === 'active' || call.state === 'early')) return;
  $('dialed').textContent += digit;
  try {
    const r = await call.dtmf(digit);
    page.lastDtmfMode = r.mode;
  } catch (e) {
    notify(notice, `Could not send ${digit}: ${e.message}`, 'error');
  }
});

function setConn(state, text) {
  $('conn').dataset.conn = state;
  $('conn').textContent = text;
}

function render() {
  const state = call ? call.state : busy ? 'connecting' : 'idle';
  document.body.dataset.callState = state;
  const pill = $('call-state');
  pill.dataset.state = state;
  pill.textContent = STATE_TEXT[state] || state;
  const live = call && !call.ended;
  const btn = $('call-btn');
  btn.textContent = live || busy ? 'Hang up' : 'Call';
  btn.classList.toggle('btn-call', !(live || busy));
  btn.classList.toggle('btn-hangup', !!(live || busy));
  $('target').disabled = !!(live || busy);
  const inCall = live && (call.state === 'active' || call.state === 'held');
  $('mute-btn').disabled = !live;
  $('hold-btn').disabled = !inCall;
  $('mute-btn').setAttribute('aria-pressed', String(!!(call && call.muted)));
  $('mute-btn').textContent = call && call.muted ? 'Unmute' : 'Mute';
  const held = !!(call && call.heldLocally);
  $('hold-btn').setAttribute('aria-pressed', String(held));
  $('hold-btn').textContent = held ? 'Resume' : 'Hold';
  keypad.setEnabled(!!(live && (call.state === 'active' || call.state === 'early')));
}

function showStats(s) {
  page.lastStats = s;
  const loss = lossPercent(s);
  $('stats-line').textContent = [
    s.codec ? s.codec.replace(/\/.*$/, '') + (s.codec.includes('48000') ? ' 48 kHz' : '') : 'codec —',
    `RTT ${fmt(s.rtt_ms, ' ms')}`,
    `loss ${fmt(loss, '%', 1)}`,
    `jitter ${fmt(s.jitter_ms, ' ms', 1)}`,
  ].join(' · ');
  $('level-value').textContent = meter.level ? `${Math.round(meter.level * 100)}%` : '';
}

function playRemote() {
  audio.srcObject = call.remoteStream;
  audio.play().catch(() => { /* autoplay refused: the click on Call usually allows it */ });
  meter.attach(call.remoteStream);
}

function bind(c) {
  call = c;
  page.call = c;
  busy = false;
  $('dialed').textContent = '';
  c.on('state', render);
  c.on('track', playRemote);
  c.on('mute', render);
  c.on('ringing', () => notify(notice, ''));
  c.on('answered', () => {
    notify(notice, '');
    clearInterval(timer);
    timer = startTimer($('call-timer'), () => c.answeredAt || 0);
    stopStats = pollStats(c, showStats);
  });
  c.on('held', ({ by }) => notify(notice, by === 'remote' ? 'The other side put you on hold.' : 'The call is on hold.'));
  c.on('resumed', () => notify(notice, ''));
  c.on('ended', (info) => {
    clearInterval(timer);
    if (stopStats) stopStats();
    meter.detach();
    audio.srcObject = null;
    const kind = info.reason === 'hangup' || info.reason === 'remote-hangup' ? 'info' : 'error';
    notify(notice, info.message || `The call ended (${info.reason}).`, kind);
    render();
  });
  render();
}
gw.on('call', bind);

async function startCall() {
  const target = $('target').value.trim() || 'echo';
  notify(notice, '');
  busy = true;
  call = null;
  page.call = null;
  $('call-timer').textContent = '0:00';
  render();
  try {
    if (!gw.connected) {
      setConn('unknown', 'Connecting…');
      await gw.connect();
      setConn('online', 'Connected');
    }
    await gw.call(target);
  } catch (e) {
    busy = false;
    if (e.code !== 'hangup') {
      notify(notice, e.name === 'NotAllowedError' ? 'The microphone is blocked: allow it for this site and try again.' : e.message, 'error');
    }
    if (!gw.connected) setConn('offline', 'Not connected');
    render();
  }
}

$('call-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  if (call && !call.ended) {
    call.hangup().catch((e) => notify(notice, e.message, 'error'));
  } else if (!busy) {
    startCall();
  }
});

$('mute-btn').addEventListener('click', () => { if (call) call.mute(!call.muted); });

$('hold-btn').addEventListener('click', async () => {
  if (!call) return;
  $('hold-btn').disabled = true;
  try {
    if (call.heldLocally) await call.resume(); else await call.hold();
  } catch (e) {
    notify(notice, e.message, 'error');
  }
  render();
});

document.addEventListener('keydown', (ev) => {
  if (ev.target instanceof HTMLInputElement || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if (/^[0-9*#]$/.test(ev.key)) keypad.press(ev.key);
});

gw.on('closed', () => { setConn('offline', 'Disconnected'); notify(notice, 'The connection to the service was lost.', 'error'); render(); });
gw.on('error', (e) => console.warn('webrtc-gw:', e.code, e.message));

const target = params.get('target');
if (target) $('target').value = target;
render();
if (params.get('autocall') === '1') {
  startCall();
} else {
  gw.connect().then(() => setConn('online', 'Connected'), () => setConn('offline', 'Not connected'));
}
