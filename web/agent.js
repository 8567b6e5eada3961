// Agent desk (agent.html): sign in as a DN, receive calls, answer / decline,
// hold, mute, DTMF, live quality.
// Query parameters: ?dn=2001 (fills the extension and signs in on load)
//                   &token=... &autoanswer=1 (answers every call, for tests)
//                   &trickle=1 (trickle ICE) &stun=stun:HOST:PORT (an extra STUN server:
//                   the enterprise one for agents behind the enterprise NAT).
import { Gateway, iceServersFromQuery } from './webrtc-gw.js';
import {
  $, params, STATE_TEXT, installHooks, buildKeypad, LevelMeter, Ringer, startTimer, pollStats, fmt, lossPercent,
  notify, audioContext,
} from './ui.js';

const gw = new Gateway(undefined, { trickle: params.get('trickle') === '1', extraIceServers: iceServersFromQuery(params) });
const page = installHooks(gw);
const audio = $('remote-audio');
const meter = new LevelMeter($('level'), $('level-bar'));
const ringer = new Ringer();
const notice = $('notice');
const autoAnswer = params.get('autoanswer') === '1';
let call = null;      // the call on the desk (ringing, active, held or just ended)
let timer = 0;
let stopStats = null;
let signingIn = false;

const keypad = buildKeypad($('keypad'), async (digit) => {
  if (!call || call.state !== 'active') return;
  $('dialed').textContent += digit;
  try {
    const r = await call.dtmf(digit);
    page.lastDtmfMode = r.mode;
  } catch (e) {
    notify(notice, `Could not send ${digit}: ${e.message}`, 'error');
  }
});

function log(text) {
  const li = document.createElement('li');
  const t = document.createElement('time');
  const now = new Date();
  t.dateTime = now.toISOString();
  t.textContent = now.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const s = document.createElement('span');
  s.textContent = text;
  li.append(t, s);
  $('log').prepend(li);
  while ($('log').children.length > 30) $('log').lastChild.remove();
}

function setConn(state, text) {
  $('conn').dataset.conn = state;
  $('conn').textContent = text;
}

function agentState() {
  if (!gw.dn) return signingIn ? 'connecting' : 'signed-out';
  if (!call || call.ended) return 'available';
  if (call.state === 'incoming' || call.state === 'answering') return 'ringing';
  if (call.state === 'held') return 'held';
  return 'in-call';
}
const AGENT_TEXT = { 'signed-out': 'Signed out', connecting: 'Signing in…', available: 'Available', ringing: 'Ringing', 'in-call': 'In call', held: 'On hold' };

// SIP mode: whether the SIP server can route this DN's calls to us.
const SIP_TEXT = { registering: 'SIP: registering…', registered: 'SIP: registered', failed: 'SIP: not registered',
  lost: 'SIP: registration lost', unregistered: 'SIP: not registered' };
function sipText() {
  const r = gw.dn && gw.registration;
  return r ? ` · ${SIP_TEXT[r.state] || r.state}` : '';
}

function render() {
  const a = agentState();
  document.body.dataset.agentState = a;
  const ap = $('agent-state');
  ap.dataset.state = a === 'in-call' ? 'active' : a;
  ap.textContent = (AGENT_TEXT[a] || a) + (gw.dn ? ` · ${gw.dn}` : '') + sipText();
  const signedIn = !!gw.dn;
  $('signin-btn').textContent = signedIn ? 'Sign out' : 'Sign in';
  $('signin-btn').className = signedIn ? 'btn' : 'btn btn-primary';
  $('signin-btn').disabled = signingIn;
  $('dn').disabled = signedIn || signingIn;
  $('token').disabled = signedIn || signingIn;

  const state = call ? call.state : 'idle';
  document.body.dataset.callState = state;
  const cp = $('call-state');
  cp.dataset.state = state;
  cp.textContent = call ? STATE_TEXT[state] || state : 'No call';
  $('peer').textContent = call ? call.displayName ? `${call.displayName} (${call.peer})` : call.peer : '—';
  const live = !!call && !call.ended;
  const ringing = live && call.state === 'incoming';
  $('incoming').hidden = !ringing;
  if (ringing) $('incoming-from').textContent = call.displayName ? `${call.displayName} · ${call.peer}` : call.peer;
  $('answer-btn').disabled = !ringing;
  $('reject-btn').disabled = !ringing;
  const inCall = live && (call.state === 'active' || call.state === 'held');
  $('hangup-btn').disabled = !live || ringing;
  $('hold-btn').disabled = !inCall;
  $('mute-btn').disabled = !inCall;
  const held = !!(call && call.heldLocally);
  $('hold-btn').setAttribute('aria-pressed', String(held));
  $('hold-btn').textContent = held ? 'Resume' : 'Hold';
  $('mute-btn').setAttribute('aria-pressed', String(!!(call && call.muted)));
  $('mute-btn').textContent = call && call.muted ? 'Unmute' : 'Mute';
  keypad.setEnabled(!!(live && call.state === 'active'));
}

function showStats(s) {
  page.lastStats = s;
  $('st-codec').textContent = s.codec || '—';
  $('st-rtt').textContent = fmt(s.rtt_ms, ' ms');
  const loss = lossPercent(s);
  $('st-loss').textContent = loss == null ? '—' : `${loss.toFixed(1)}% (${s.packets_lost})`;
  $('st-jitter').textContent = fmt(s.jitter_ms, ' ms', 1);
  $('st-in').textContent = fmt(s.packets_received);
  $('st-out').textContent = fmt(s.packets_sent);
  $('level-value').textContent = meter.level ? `${Math.round(meter.level * 100)}%` : '';
}

function playRemote() {
  audio.srcObject = call.remoteStream;
  audio.play().catch(() => {});
  meter.attach(call.remoteStream);
}

function onIncoming(c) {
  if (call && !call.ended) { // one call at a time
    log(`Busy: declined a call from ${c.peer}`);
    c.reject('busy').catch(() => {});
    return;
  }
  call = c;
  page.call = c;
  $('dialed').textContent = '';
  $('dtmf-received').textContent = '';
  $('call-timer').textContent = '0:00';
  for (const id of ['st-codec', 'st-rtt', 'st-loss', 'st-jitter', 'st-in', 'st-out']) $(id).textContent = '—';
  log(`Incoming call from ${c.displayName ? c.displayName + ' ' : ''}${c.peer}`);
  c.on('state', render);
  c.on('track', playRemote);
  c.on('mute', render);
  c.on('answered', () => {
    ringer.stop();
    log('Answered');
    clearInterval(timer);
    timer = startTimer($('call-timer'), () => c.answeredAt || 0);
    stopStats = pollStats(c, showStats);
  });
  c.on('held', ({ by }) => log(by === 'remote' ? 'The caller put the call on hold' : 'Call on hold'));
  c.on('resumed', ({ by }) => log(by === 'remote' ? 'The caller resumed the call' : 'Call resumed'));
  c.on('dtmf', ({ digits }) => {
    $('dtmf-received').textContent += digits;
    log(`Caller pressed ${digits}`);
  });
  c.on('ended', (info) => {
    ringer.stop();
    clearInterval(timer);
    if (stopStats) stopStats();
    meter.detach();
    audio.srcObject = null;
    log(`Call ended: ${info.message || info.reason}`);
    render();
  });
  render();
  if (autoAnswer) answer();
  else ringer.start();
}

async function answer() {
  if (!call || call.state !== 'incoming') return;
  ringer.stop();
  try {
    await call.answer();
  } catch (e) {
    notify(notice, `Could not answer: ${e.message}`, 'error');
  }
  render();
}

async function signIn() {
  const dn = $('dn').value.trim();
  if (!dn) { notify(notice, 'Enter your extension first.', 'error'); $('dn').focus(); return; }
  notify(notice, '');
  signingIn = true;
  render();
  try {
    try { audioContext(); } catch (e) { /* no WebAudio: no ring */ }
    if (!gw.connected) {
      setConn('unknown', 'Connecting…');
      await gw.connect();
      setConn('online', 'Connected');
    }
    const token = $('token').value;
    await gw.signIn(dn, token ? { token } : {});
    log(`Signed in as ${gw.dn}`);
  } catch (e) {
    notify(notice, e.message, 'error');
    if (!gw.connected) setConn('offline', 'Not connected');
  }
  signingIn = false;
  render();
}

async function signOut() {
  if (call && !call.ended) await call.hangup().catch(() => {});
  try { await gw.signOut(); log('Signed out'); } catch (e) { notify(notice, e.message, 'error'); }
  render();
}

gw.on('incoming', onIncoming);
gw.on('registration', (r) => {
  document.body.dataset.sip = r.state;
  if (r.state !== 'registering') log(`SIP registration: ${r.state}${r.message ? ` (${r.message})` : ''}`);
  render();
});

gw.on('signed-out', ({ reason, message }) => {
  notify(notice, message || `You were signed out (${reason}).`, 'error');
  log(`Signed out by the service: ${reason}`);
  render();
});
gw.on('closed', () => {
  setConn('offline', 'Disconnected');
  notify(notice, 'The connection to the service was lost. Sign in again.', 'error');
  render();
});
gw.on('error', (e) => console.warn('webrtc-gw:', e.code, e.message));

$('signin-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  if (gw.dn) signOut(); else signIn();
});
$('answer-btn').addEventListener('click', answer);
$('reject-btn').addEventListener('click', () => {
  if (!call) return;
  ringer.stop();
  call.reject('rejected').catch((e) => notify(notice, e.message, 'error'));
});
$('hangup-btn').addEventListener('click', () => {
  if (call) call.hangup().catch((e) => notify(notice, e.message, 'error'));
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

const dn = params.get('dn');
if (params.get('token')) $('token').value = params.get('token');
render();
if (dn) {
  $('dn').value = dn;
  signIn();
} else {
  gw.connect().then(() => setConn('online', 'Connected'), () => setConn('offline', 'Not connected'));
}
