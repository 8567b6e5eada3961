// One browser of the deployment lab (examples/lab/lab.sh): Debian's Chromium,
// driven by playwright-core, on the gateway's own pages (web/customer.html,
// web/agent.html), with a fake microphone. Run it inside the namespace of the
// browser's LAN (ip netns exec ...). Two roles:
//
//   node lab-calls.mjs --base https://IP:PORT --role customer --target 3001[,T2...]
//        [--seconds 5] [--dtmf 123#] [--end hangup|remote|close|none]
//        [--answer-timeout 20] [--remote-timeout 20] [--expect answered|ended]
//   node lab-calls.mjs --base https://IP:PORT --role agent --dn 2001
//        [--calls 1] [--ring-wait 60] [--seconds 5] [--end hangup|remote|none]
//   common: [--ice-servers stun:IP:PORT,...] [--label NAME] [--chromium PATH]
//
// The customer makes one call per target, one after the other on the same
// page; --end, --dtmf and --expect take comma-separated lists too, one item per
// call (the last repeats). The agent answers --calls calls (per-call lists
// likewise). --expect ended: the call must end without being answered (the
// summary has the gateway's reason).
//
// --ice-servers: STUN servers the page uses besides the gateway's (the
// pages' ?stun= parameter, e.g. the enterprise STUN server for an agent
// behind the enterprise NAT).
//
// Prints JSON lines on stdout, one per step ({"event", "t" (ms since start),
// ...}): loaded, connected / signed-in, incoming, state, answered, stats (every
// 1 s: inbound packetsReceived, outbound packetsSent, totalAudioEnergy),
// dtmf-sent, closing, ended, and last a `summary` per call with the verdicts
// (answered, rising: packets rise at every 1 s step over --seconds, ended
// reason). Logs (page console, WebSocket frames with SDP elided) on stderr.
// Exit 0 when the run went as asked, 1 otherwise, 2 on bad usage.
import { chromium } from 'playwright-core';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    base: { type: 'string' },
    role: { type: 'string', default: 'customer' },
    target: { type: 'string', default: 'echo' },
    dn: { type: 'string', default: '2001' },
    token: { type: 'string', default: '' },
    seconds: { type: 'string', default: '5' },
    dtmf: { type: 'string', default: '' },
    end: { type: 'string', default: 'hangup' },
    expect: { type: 'string', default: 'answered' },
    calls: { type: 'string', default: '1' },
    'ring-wait': { type: 'string', default: '60' },
    'answer-timeout': { type: 'string', default: '20' },
    'remote-timeout': { type: 'string', default: '20' },
    'ice-servers': { type: 'string', default: '' },
    label: { type: 'string', default: '' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
    'no-frames': { type: 'boolean', default: false },
  },
});
const ROLES = new Set(['customer', 'agent']);
const ENDS = new Set(['hangup', 'remote', 'close', 'none']);
// Per-call lists (comma-separated; the last item repeats): one call per target.
const list = (v) => v.split(',');
const pick = (l, i) => l[Math.min(i, l.length - 1)];
const targets = list(opt.target), ends = list(opt.end), dtmfs = list(opt.dtmf), expects = list(opt.expect);
if (!opt.base || !ROLES.has(opt.role) || ends.some((e) => !ENDS.has(e)) || (opt.role === 'agent' && ends.includes('close'))) {
  console.error('usage: node lab-calls.mjs --base https://IP:PORT --role customer|agent [--target T | --dn DN] '
    + '[--seconds 5] [--dtmf DIGITS] [--end hangup|remote|close|none] [--ice-servers URL,...]');
  process.exit(2);
}
const base = opt.base.replace(/\/$/, '');
const seconds = Number(opt.seconds);
const label = opt.label || opt.role;
const T0 = Date.now();
const now = () => Date.now() - T0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.error(`[${label} ${(now() / 1000).toFixed(1).padStart(5)}s]`, ...a);
const emit = (event, fields = {}) => console.log(JSON.stringify({ event, t: now(), wall: Date.now(), role: opt.role, label, ...fields }));
let failed = false;

const elide = (text) => {
  try {
    const m = JSON.parse(text);
    if (typeof m.sdp === 'string') {
      const cands = m.sdp.split(/\r?\n/).filter((l) => l.startsWith('a=candidate')).map((l) => l.slice(12));
      const codecs = m.sdp.split(/\r?\n/).filter((l) => l.startsWith('a=rtpmap')).map((l) => l.slice(9)).slice(0, 8);
      m.sdp = `<${m.sdp.length} bytes; candidates: ${cands.join(' | ') || 'none'}; rtpmap: ${codecs.join(', ')}>`;
    }
    return JSON.stringify(m);
  } catch (e) { return String(text).slice(0, 400); }
};

const iceServers = opt['ice-servers'] ? opt['ice-servers'].split(',').filter(Boolean).map((u) => ({ urls: u })) : null;

const browser = await chromium.launch({
  executablePath: opt.chromium,
  headless: true,
  args: [
    '--no-sandbox', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
    '--autoplay-policy=no-user-gesture-required', '--ignore-certificate-errors',
    '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--no-first-run', '--disable-background-timer-throttling', '--disable-renderer-backgrounding',
    '--disable-backgrounding-occluded-windows',
  ],
});
const pageErrors = [];
let ctx = null;
let page = null;

async function openPage(path) {
  ctx = await browser.newContext({ ignoreHTTPSErrors: true });
  await ctx.grantPermissions(['microphone'], { origin: base }).catch(() => {});
  if (iceServers) {
    const stun = iceServers.map((s) => `&stun=${encodeURIComponent(s.urls)}`).join('');
    path += path.includes('?') ? stun : `?${stun.slice(1)}`;
  }
  page = await ctx.newPage();
  page.on('console', (m) => log(`console.${m.type()}:`, m.text()));
  page.on('pageerror', (e) => { pageErrors.push(e.message); log('pageerror:', e.message); });
  page.on('websocket', (ws) => {
    log(`websocket open ${ws.url()}`);
    if (!opt['no-frames']) {
      ws.on('framesent', (f) => log('>>', elide(f.payload)));
      ws.on('framereceived', (f) => log('<<', elide(f.payload)));
    }
    ws.on('close', () => log('websocket closed'));
  });
  const resp = await page.goto(base + path, { waitUntil: 'load', timeout: 15000 });
  emit('loaded', { path, status: resp && resp.status() });
}

/** The page's current call: state, inbound/outbound packets, audio energy. */
function probe() {
  return page.evaluate(async () => {
    const c = window.gwPage && window.gwPage.call;
    if (!c) return { state: null, packets: null };
    const out = { state: c.state, packets: null, sent: null, energy: null, level: null, conn: c.pc ? c.pc.connectionState : null };
    if (!c.pc || c.pc.signalingState === 'closed') return out;
    try {
      for (const s of (await c.pc.getStats()).values()) {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') {
          out.packets = s.packetsReceived;
          out.energy = s.totalAudioEnergy ?? null;
          out.level = s.audioLevel ?? null;
        }
        if (s.type === 'outbound-rtp' && s.kind === 'audio') out.sent = s.packetsSent;
      }
    } catch (e) { out.error = e.message; }
    return out;
  });
}

/** ICE as the browser saw it: gathered candidates (from the local SDP) and the selected pair. */
function iceInfo() {
  return page.evaluate(async () => {
    const c = window.gwPage && window.gwPage.call;
    if (!c || !c.pc) return null;
    const cand = (line) => {
      const f = line.replace(/^a=candidate:/, '').split(' ');
      return { type: f[7], address: f[4], port: Number(f[5]) };
    };
    const local = (c.pc.localDescription ? c.pc.localDescription.sdp : '').split(/\r?\n/)
      .filter((l) => l.startsWith('a=candidate:')).map(cand);
    const remote = (c.pc.remoteDescription ? c.pc.remoteDescription.sdp : '').split(/\r?\n/)
      .filter((l) => l.startsWith('a=candidate:')).map(cand);
    const codec = (c.pc.remoteDescription ? c.pc.remoteDescription.sdp : '').split(/\r?\n/)
      .filter((l) => l.startsWith('a=rtpmap:')).map((l) => l.slice(9));
    let selected = null;
    try {
      const r = await c.pc.getStats();
      for (const s of r.values()) {
        if (s.type === 'transport' && s.selectedCandidatePairId) {
          const p = r.get(s.selectedCandidatePairId);
          const l = p && r.get(p.localCandidateId), rm = p && r.get(p.remoteCandidateId);
          if (l && rm) {
            selected = {
              local: `${l.candidateType} ${l.address}:${l.port}`,
              remote: `${rm.candidateType} ${rm.address}:${rm.port}`,
            };
          }
        }
      }
    } catch (e) { /* closed */ }
    return { local, remote, selected, remote_rtpmap: codec };
  });
}

const callState = () => page.evaluate(() => (window.gwPage && window.gwPage.call ? window.gwPage.call.state : null));

/** Waits until the call is in one of `states`; ms waited or -1. */
async function waitState(states, timeoutMs) {
  const t = Date.now();
  try {
    await page.waitForFunction((s) => window.gwPage && window.gwPage.call && s.includes(window.gwPage.call.state),
      states, { timeout: timeoutMs, polling: 100 });
    return Date.now() - t;
  } catch (e) { return -1; }
}

/** The `ended` event of the current call (gateway's reason, message, sip_status), if any. */
const endedEvent = () => page.evaluate(() => {
  const p = window.gwPage;
  const id = p && p.call && p.call.id;
  const e = p ? p.events.filter((x) => x.event === 'ended' && (!id || x.call_id === id)).at(-1) : null;
  const c = p && p.call;
  return e ? { reason: e.reason, message: e.message, sip_status: e.sip_status ?? null }
    : (c && c.ended ? { reason: c.endedReason ?? null, message: null, sip_status: null, local: true } : null);
});
const eventNames = () => page.evaluate(() => window.gwPage.events.map((e) => e.event));

/**
 * Samples the call every second for `secs` s after the first inbound packet
 * (waits up to 10 s for it); emits a `stats` line per sample.
 */
async function measure(secs) {
  const t0 = Date.now();
  let p;
  for (;;) {
    p = await probe();
    if (p.packets > 0) break;
    if (Date.now() - t0 > 10000 || p.state === 'ended') return { ok: false, reason: 'no inbound packet within 10 s', last: p, series: [] };
    await sleep(200);
  }
  const series = [];
  const tFirst = Date.now();
  for (;;) {
    const t = Math.round((Date.now() - tFirst) / 100) / 10;
    p = await probe();
    series.push([t, p.packets ?? 0, p.sent ?? 0]);
    emit('stats', { s: t, packets: p.packets, sent: p.sent, energy: p.energy, level: p.level, state: p.state });
    if (Date.now() - tFirst >= secs * 1000 || p.state === 'ended') break;
    await sleep(Math.max(0, tFirst + series.length * 1000 - Date.now()));
  }
  let reason = '';
  for (let i = 1; i < series.length; i++) {
    if (!(series[i][1] > series[i - 1][1])) { reason = `no rise from t=${series[i - 1][0]}s to t=${series[i][0]}s`; break; }
  }
  const span = series.length ? series.at(-1)[0] - series[0][0] : 0;
  if (!reason && span < secs - 0.5) reason = `span ${span}s < ${secs}s`;
  const sentRising = series.length > 1 && series.at(-1)[2] > series[0][2];
  return { ok: !reason, reason, span, series, waited_ms: tFirst - t0, energy: p.energy, sent_rising: sentRising };
}

/** After the media window: DTMF, then end the call as asked. */
async function afterMedia(sum, sel, end, dtmf) {
  if (dtmf) {
    const modes = [];
    for (const d of dtmf) {
      await page.evaluate(() => { window.gwPage.lastDtmfMode = null; });
      await page.click(`#keypad button[data-digit="${d}"]`);
      await sleep(250);
      modes.push(await page.evaluate(() => window.gwPage.lastDtmfMode));
    }
    sum.dtmf = { digits: dtmf, modes };
    emit('dtmf-sent', sum.dtmf);
    await sleep(1000);
  }
  const t = Date.now();
  if (end === 'hangup') {
    await page.click(sel);
    sum.end_ms = await waitState(['ended'], 5000);
  } else if (end === 'remote') {
    sum.end_ms = await waitState(['ended'], Number(opt['remote-timeout']) * 1000);
  } else if (end === 'close') {
    emit('closing');
    await ctx.close();
    ctx = null;
    page = null;
    sum.end_ms = 0;
    return;
  } else {
    sum.end_ms = null;
    return;
  }
  sum.ended = await endedEvent();
  sum.end_wait_ms = Date.now() - t;
  emit('ended', { ...(sum.ended || {}), ms: sum.end_ms });
}

async function customer() {
  const first = targets[0];
  await openPage(`/customer.html?target=${encodeURIComponent(first)}`);
  try {
    await page.waitForFunction(() => window.gwPage && window.gwPage.gw.connected, null, { timeout: 10000 });
    emit('connected');
  } catch (e) {
    emit('summary', { ok: false, error: 'the page did not connect to the gateway' });
    return false;
  }
  let allOk = true;
  for (let i = 0; i < targets.length && page; i++) {
    const target = targets[i];
    const end = pick(ends, i), dtmf = pick(dtmfs, i), expect = pick(expects, i);
    const sum = { call: i + 1, target, end, expect };
    await page.fill('#target', target);
    const n0 = await page.evaluate(() => window.gwPage.events.length);
    await page.click('#call-btn');
    const t = Date.now();
    emit('calling', { target });
    const states = [];
    const answerBy = Date.now() + Number(opt['answer-timeout']) * 1000;
    let st = null;
    while (Date.now() < answerBy) {
      st = await callState();
      if (st && states.at(-1) !== st) { states.push(st); emit('state', { state: st }); }
      if (st === 'active' || st === 'ended') break;
      await sleep(100);
    }
    sum.states = states;
    sum.answered = st === 'active';
    sum.answer_ms = sum.answered ? Date.now() - t : -1;
    if (sum.answered) {
      emit('answered', { ms: sum.answer_ms });
      sum.media = await measure(seconds);
      sum.ice = await iceInfo();
      await afterMedia(sum, '#call-btn', end, dtmf);
    } else {
      sum.ended = st === 'ended' ? await endedEvent() : null;
      sum.end_ms = st === 'ended' ? Date.now() - t : -1;
      sum.ice = await iceInfo().catch(() => null);
      emit('ended', { ...(sum.ended || {}), ms: sum.end_ms });
      if (st !== 'ended') {
        await page.click('#call-btn').catch(() => {});
        await waitState(['ended'], 5000);
      }
    }
    if (page) sum.events = await page.evaluate((n) => window.gwPage.events.slice(n).map((e) => e.event), n0);
    sum.page_errors = pageErrors;
    const ok = expect === 'answered' ? sum.answered && sum.media && sum.media.ok : !sum.answered && !!sum.ended;
    allOk &&= ok;
    emit('summary', { ok, ...sum });
    if (page) await sleep(500);
  }
  return allOk;
}

async function agent() {
  await openPage(`/agent.html?dn=${encodeURIComponent(opt.dn)}${opt.token ? `&token=${encodeURIComponent(opt.token)}` : ''}`);
  try {
    await page.waitForFunction((dn) => window.gwPage && window.gwPage.gw.dn === dn, opt.dn, { timeout: 15000 });
    emit('signed-in', { dn: opt.dn, status: await page.textContent('#agent-state') });
  } catch (e) {
    emit('summary', { ok: false, error: `could not sign in as ${opt.dn}`, status: await page.textContent('#agent-state'),
      notice: await page.textContent('#notice') });
    return false;
  }
  let allOk = true;
  for (let i = 1; i <= Number(opt.calls); i++) {
    const sum = { dn: opt.dn, call: i };
    try {
      await page.waitForSelector('#incoming:not([hidden])', { state: 'visible', timeout: Number(opt['ring-wait']) * 1000 });
    } catch (e) {
      emit('summary', { ok: false, ...sum, error: `no incoming call within ${opt['ring-wait']} s` });
      return false;
    }
    sum.from = (await page.textContent('#incoming-from')).trim();
    emit('incoming', { from: sum.from });
    const t = Date.now();
    await page.click('#answer-btn');
    sum.answer_ms = await waitState(['active'], 10000);
    sum.answered = sum.answer_ms >= 0;
    if (sum.answered) {
      emit('answered', { ms: Date.now() - t });
      sum.media = await measure(seconds);
      sum.ice = await iceInfo();
      await afterMedia(sum, '#hangup-btn', pick(ends, i - 1), pick(dtmfs, i - 1));
    } else {
      sum.ended = await endedEvent();
    }
    sum.events = await eventNames();
    sum.page_errors = pageErrors;
    const ok = sum.answered && sum.media.ok;
    allOk &&= ok;
    emit('summary', { ok, ...sum });
    await page.waitForSelector('#incoming', { state: 'hidden', timeout: 5000 }).catch(() => {});
  }
  return allOk;
}

try {
  const ok = opt.role === 'customer' ? await customer() : await agent();
  failed = !ok;
} catch (e) {
  failed = true;
  emit('summary', { ok: false, error: String((e && e.stack) || e) });
} finally {
  log('closing the browser');
  if (ctx) await ctx.close().catch(() => {});
  await browser.close().catch((e) => log('close:', e.message));
  log('closed');
}
process.exit(failed ? 1 : 0);
