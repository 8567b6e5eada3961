// Drives Debian's Chromium (playwright-core) through the gateway's own pages
// (web/customer.html, web/agent.html) served by a running webrtc-gw:
//
//   node gw-calls.mjs --base https://IP:PORT [--scenario all|echo,agent,hold,dtmf,tone]
//                     [--seconds 6] [--dn 2001] [--trickle] [--no-frames] [--full-sdp]
//                     [--chromium /usr/bin/chromium]
//
// Prints one JSON line per check on stdout ({"check","ok","scenario",...});
// logs (page console, WebSocket frames with SDP elided) go to stderr. Exits 0
// when every check passed, 1 otherwise, 2 on bad usage.
//
// Scenarios:
//   echo  customer page calls "echo": inbound-rtp packetsReceived rises at every
//         1 s step for >= 5 s; hang up -> ended.
//   tone  the same with "tone".
//   agent agent page signs in as DN, customer page calls it, the test clicks
//         Answer on the banner; both pages' inbound packets rise; the customer
//         hangs up -> both pages show ended within 5 s; again, the agent hangs up.
//   hold  agent clicks Hold -> within 2 s the customer's inbound stops (<= 5
//         packets over 2 s); Resume -> it rises again.
//   dtmf  customer clicks 1 2 3 # on its keypad (insertDTMF, RFC 4733) -> the
//         agent page gets `dtmf` events with those digits within 5 s.
import { chromium } from 'playwright-core';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    base: { type: 'string' },
    scenario: { type: 'string', default: 'all' },
    seconds: { type: 'string', default: '6' },
    dn: { type: 'string', default: '2001' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
    trickle: { type: 'boolean', default: false },
    frames: { type: 'boolean', default: true },
    'no-frames': { type: 'boolean', default: false },
    'full-sdp': { type: 'boolean', default: false },
  },
});
const ALL = ['echo', 'agent', 'hold', 'dtmf'];
const KNOWN = new Set([...ALL, 'tone']);
const scenarios = opt.scenario.split(',').flatMap((s) => (s === 'all' ? ALL : [s]));
if (!opt.base || scenarios.some((s) => !KNOWN.has(s))) {
  console.error('usage: node gw-calls.mjs --base https://IP:PORT [--scenario all|echo,tone,agent,hold,dtmf] [--seconds 6] [--dn 2001]');
  process.exit(2);
}
const base = opt.base.replace(/\/$/, '');
const seconds = Math.max(5, Number(opt.seconds));
const DN = opt.dn;
const showFrames = opt.frames && !opt['no-frames'];

const T0 = Date.now();
const log = (...a) => console.error(`[gw-calls ${((Date.now() - T0) / 1000).toFixed(1).padStart(5)}s]`, ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let failures = 0;
let scenario = '';
function report(check, ok, details = {}) {
  if (!ok) failures++;
  console.log(JSON.stringify({ check, ok: !!ok, scenario, ...details }));
  log(ok ? 'PASS' : 'FAIL', check, ok ? '' : JSON.stringify(details));
  return !!ok;
}

const elide = (text) => {
  try {
    const m = JSON.parse(text);
    if (typeof m.sdp === 'string' && !opt['full-sdp']) {
      const cands = m.sdp.split(/\r?\n/).filter((l) => l.startsWith('a=candidate')).map((l) => l.slice(12));
      m.sdp = `<${m.sdp.length} bytes; candidates: ${cands.join(' | ') || 'none'}>`;
    }
    return JSON.stringify(m);
  } catch (e) { return String(text).slice(0, 400); }
};

// ---- browser -------------------------------------------------------------
const pageErrors = [];
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

async function openPage(label, path) {
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true });
  await ctx.grantPermissions(['microphone'], { origin: base }).catch(() => {});
  const page = await ctx.newPage();
  page.label = label;
  page.on('console', (m) => {
    const text = m.text();
    if (/Content.Security.Policy|Refused to/i.test(text)) pageErrors.push({ page: label, error: text });
    log(`${label} console.${m.type()}:`, text);
  });
  page.on('pageerror', (e) => { pageErrors.push({ page: label, error: e.message }); log(`${label} pageerror:`, e.message); });
  page.on('websocket', (ws) => {
    log(`${label} websocket open ${ws.url()}`);
    if (showFrames) {
      ws.on('framesent', (f) => log(`${label} >>`, elide(f.payload)));
      ws.on('framereceived', (f) => log(`${label} <<`, elide(f.payload)));
    }
    ws.on('close', () => log(`${label} websocket closed`));
    ws.on('socketerror', (e) => log(`${label} websocket error`, e));
  });
  if (opt.trickle) path += (path.includes('?') ? '&' : '?') + 'trickle=1';
  const resp = await page.goto(base + path, { waitUntil: 'load', timeout: 15000 });
  log(`${label} loaded ${path}: HTTP ${resp && resp.status()}`);
  return page;
}

// ---- page probes ---------------------------------------------------------
/** {state, packets (inbound-rtp audio packetsReceived), sent, conn} of the page's current call. */
function probe(page) {
  return page.evaluate(async () => {
    const p = window.gwPage;
    const c = p && p.call;
    if (!c) return { state: null, packets: null };
    const out = { state: c.state, packets: null, sent: null, conn: c.pc ? c.pc.connectionState : null };
    if (!c.pc || c.pc.signalingState === 'closed') return out;
    try {
      const r = await c.pc.getStats();
      for (const s of r.values()) {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') out.packets = s.packetsReceived;
        if (s.type === 'outbound-rtp' && s.kind === 'audio') out.sent = s.packetsSent;
      }
    } catch (e) { out.error = e.message; }
    return out;
  });
}

const callState = (page) => page.evaluate(() => (window.gwPage && window.gwPage.call ? window.gwPage.call.state : null));

/** Waits until the page's call is in one of `states`; returns ms waited or -1. */
async function waitState(page, states, timeoutMs) {
  const t = Date.now();
  try {
    await page.waitForFunction((s) => window.gwPage && window.gwPage.call && s.includes(window.gwPage.call.state),
      states, { timeout: timeoutMs, polling: 100 });
    return Date.now() - t;
  } catch (e) { return -1; }
}

/** Page events (SDP elided) since index `from`. */
const events = (page, from = 0) => page.evaluate((f) => window.gwPage.events.slice(f).map((e) => {
  const o = { ...e };
  if (o.sdp) o.sdp = `<${o.sdp.length} bytes>`;
  return o;
}), from);
const eventCount = (page) => page.evaluate(() => window.gwPage.events.length);

/**
 * Samples every 500 ms for `secs` seconds after the first inbound packet (waits
 * up to 10 s for it) on each page; returns per-page series [[t, packets], ...].
 */
async function measure(pages, secs) {
  const t0 = Date.now();
  const firstBy = Date.now() + 10000;
  for (;;) {
    const ps = await Promise.all(pages.map(probe));
    if (ps.every((p) => p.packets > 0)) break;
    if (Date.now() > firstBy) return { error: 'no inbound packet within 10 s', last: ps };
    await sleep(250);
  }
  const series = pages.map(() => []);
  const tFirst = Date.now();
  for (;;) {
    const ps = await Promise.all(pages.map(probe));
    const t = (Date.now() - tFirst) / 1000;
    ps.forEach((p, i) => series[i].push([Math.round(t * 10) / 10, p.packets ?? 0]));
    if (Date.now() - tFirst >= secs * 1000) break;
    await sleep(500);
  }
  return { series, waitedMs: tFirst - t0 };
}

/** Rising at every 1 s step, over at least `minSpan` seconds. */
function rising(series, minSpan = 5) {
  let reason = '';
  for (let i = 0; i < series.length; i++) {
    const later = series.find(([t]) => t >= series[i][0] + 1);
    if (later && !(later[1] > series[i][1])) { reason = `no rise from t=${series[i][0]}s to t=${later[0]}s`; break; }
  }
  const span = series.length ? series.at(-1)[0] - series[0][0] : 0;
  if (!reason && span < minSpan) reason = `span ${span}s < ${minSpan}s`;
  return { ok: !reason, reason, span, packets: series };
}

async function dumpOnFailure(pages) {
  for (const p of pages) {
    try { log(`${p.label} events:`, JSON.stringify(await events(p))); } catch (e) { /* closed */ }
  }
}

// The gateway's own view of a leg (its stats events, every 2 s): RTT from
// the browser's receiver reports on the SRs the gateway sent or forwarded
// (RFC 3550 §6.4.1) and the level the browser puts in its packets (RFC 6464).
function reportGatewayStats(name, evs) {
  const gws = evs.filter((e) => e.event === 'stats' && e.stats).map((e) => e.stats);
  return report(name,
    gws.some((x) => typeof x.rtt_ms === 'number' && x.rtt_ms >= 0 && x.rtt_ms < 1000) &&
      gws.some((x) => typeof x.audio_level === 'number' && x.audio_level > 0 && x.audio_level <= 1),
    { stats: gws.slice(-3) });
}

// ---- scenarios -----------------------------------------------------------
async function builtinTarget(target) {
  const page = await openPage('customer', `/customer.html?target=${target}&autocall=1`);
  try {
    const ms = await waitState(page, ['active'], 15000);
    if (!report(`${target}: the call is answered`, ms >= 0, { ms, state: await callState(page) })) {
      await dumpOnFailure([page]);
      return;
    }
    const m = await measure([page], target === 'tone' ? Math.min(seconds, 5) : seconds);
    const r = m.series ? rising(m.series[0]) : { ok: false, reason: m.error, last: m.last };
    report(`${target}: inbound packetsReceived rises at every 1 s step for >= 5 s`, r.ok, r);
    const st = await page.evaluate(() => window.gwPage.call.stats());
    report(`${target}: call.stats() gives codec and packet counts`,
      typeof st.codec === 'string' && st.codec.length > 0 && st.packets_received > 0 && st.packets_sent > 0, { stats: st });
    const line = await page.textContent('#stats-line');
    report(`${target}: the page shows the stats line`, /RTT/.test(line) && !/^codec —/.test(line), { line });
    await page.click('#call-btn');
    const ended = await waitState(page, ['ended'], 5000);
    report(`${target}: Hang up ends the call within 5 s`, ended >= 0, { ms: ended });
    const evs = await events(page);
    // The gateway's own view of the leg (its stats events, every 2 s): RTT
    // from the browser's receiver reports on the gateway's SRs (RFC 3550
    // §6.4.1) and the level the browser puts in its packets (RFC 6464).
    reportGatewayStats(`${target}: the gateway's stats events carry rtt_ms and audio_level`, evs);
    report(`${target}: the gateway sent answered and ended events`,
      evs.some((e) => e.event === 'answered') && evs.some((e) => e.event === 'ended'), { events: evs.map((e) => e.event) });
  } finally {
    await page.context().close();
  }
}

let agentPage = null;
let customerPage = null;

async function desk() {
  if (!agentPage) {
    agentPage = await openPage('agent', `/agent.html?dn=${encodeURIComponent(DN)}`);
    let ok = true;
    try {
      await agentPage.waitForFunction((dn) => window.gwPage && window.gwPage.gw.dn === dn, DN, { timeout: 10000 });
    } catch (e) { ok = false; }
    const status = await agentPage.textContent('#agent-state');
    report(`agent: signed in as ${DN}`, ok && /Available/.test(status), { status });
  }
  if (!customerPage) {
    customerPage = await openPage('customer', '/customer.html');
    await customerPage.waitForFunction(() => window.gwPage && window.gwPage.gw.connected, null, { timeout: 10000 })
      .catch(() => report('customer: page connects to the gateway', false));
  }
}

/** Customer calls the agent's DN through the page; the test answers on the banner. */
async function connectCall(tag) {
  await desk();
  await customerPage.fill('#target', DN);
  await customerPage.click('#call-btn');
  let banner = true;
  try {
    await agentPage.waitForSelector('#incoming:not([hidden])', { state: 'visible', timeout: 10000 });
  } catch (e) { banner = false; }
  const from = banner ? await agentPage.textContent('#incoming-from') : '';
  if (!report(`${tag}: the agent page shows the incoming-call banner`, banner, { from, customer: await callState(customerPage) })) {
    await dumpOnFailure([customerPage, agentPage]);
    return false;
  }
  await agentPage.click('#answer-btn');
  const [a, c] = await Promise.all([waitState(agentPage, ['active'], 10000), waitState(customerPage, ['active'], 10000)]);
  const ok = report(`${tag}: Answer connects both pages`, a >= 0 && c >= 0,
    { agent_ms: a, customer_ms: c, agent: await callState(agentPage), customer: await callState(customerPage) });
  if (!ok) await dumpOnFailure([customerPage, agentPage]);
  return ok;
}

async function hangup(tag, by) {
  const [page, other, sel] = by === 'customer' ? [customerPage, agentPage, '#call-btn'] : [agentPage, customerPage, '#hangup-btn'];
  const [n1, n2] = await Promise.all([eventCount(page), eventCount(other)]);
  const t = Date.now();
  await page.click(sel);
  const [e1, e2] = await Promise.all([waitState(page, ['ended'], 5000), waitState(other, ['ended'], 5000)]);
  const shown = await Promise.all([customerPage, agentPage].map((p) => p.evaluate(() => document.body.dataset.callState)));
  report(`${tag}: the ${by} hangs up -> both pages show ended within 5 s`, e1 >= 0 && e2 >= 0 && shown.every((s) => s === 'ended'),
    { [by]: e1, other: e2, shown, ms: Date.now() - t });
  const [ev1, ev2] = await Promise.all([events(page, n1), events(other, n2)]);
  const end1 = ev1.find((e) => e.event === 'ended'), end2 = ev2.find((e) => e.event === 'ended');
  report(`${tag}: the gateway sent ended to both (hangup / remote-hangup)`, !!end1 && !!end2,
    { [by]: end1 || null, other: end2 || null });
}

async function agentCalls() {
  for (const by of ['customer', 'agent']) {
    const tag = `agent call, ${by} hangs up`;
    if (!(await connectCall(tag))) { await cleanup(); continue; }
    const m = await measure([customerPage, agentPage], seconds);
    if (m.series) {
      const rc = rising(m.series[0]), ra = rising(m.series[1]);
      report(`${tag}: customer inbound packets rise for >= 5 s`, rc.ok, rc);
      report(`${tag}: agent inbound packets rise for >= 5 s`, ra.ok, ra);
      if (by === 'customer') {
        reportGatewayStats(`${tag}: the gateway's stats for the customer leg carry rtt_ms and audio_level`,
          await events(customerPage));
        reportGatewayStats(`${tag}: the gateway's stats for the agent leg carry rtt_ms and audio_level`,
          await events(agentPage));
      }
    } else {
      report(`${tag}: inbound packets on both pages`, false, m);
    }
    await hangup(tag, by);
    await cleanup();
  }
}

async function holdResume() {
  const tag = 'hold';
  if (!(await connectCall(tag))) return;
  const pre = await measure([customerPage], 2);
  report('hold: customer audio flows before hold', !!pre.series && rising(pre.series[0], 1).ok, pre);
  const [na, nc] = await Promise.all([eventCount(agentPage), eventCount(customerPage)]);
  await agentPage.click('#hold-btn');
  const tHold = Date.now();
  await sleep(2000);
  const a = await probe(customerPage);
  await sleep(2000);
  const b = await probe(customerPage);
  const delta = (b.packets ?? 0) - (a.packets ?? 0);
  report('hold: Hold on the agent page stops the customer inbound within 2 s (<= 5 packets over 2 s)', delta <= 5,
    { from: a.packets, to: b.packets, delta, after_ms: Date.now() - tHold });
  const [evA, evC] = await Promise.all([events(agentPage, na), events(customerPage, nc)]);
  report('hold: agent gets held {by: local}', evA.some((e) => e.event === 'held' && e.by === 'local'), { events: evA });
  report('hold: customer gets held {by: remote}', evC.some((e) => e.event === 'held' && e.by === 'remote'), { events: evC });
  const label = await agentPage.textContent('#hold-btn');
  report('hold: the agent page shows on hold (button says Resume)', label.trim() === 'Resume' && (await callState(agentPage)) === 'held', { label });

  const [na2, nc2] = await Promise.all([eventCount(agentPage), eventCount(customerPage)]);
  await agentPage.click('#hold-btn');
  await sleep(2000);
  const post = await measure([customerPage], 3);
  const r = post.series ? rising(post.series[0], 3) : { ok: false, reason: post.error };
  report('hold: Resume -> the customer inbound rises again (every 1 s step, 3 s)', r.ok, r);
  const [evA2, evC2] = await Promise.all([events(agentPage, na2), events(customerPage, nc2)]);
  report('hold: both pages get resumed', evA2.some((e) => e.event === 'resumed') && evC2.some((e) => e.event === 'resumed'),
    { agent: evA2.map((e) => e.event), customer: evC2.map((e) => e.event) });
  await hangup(tag, 'customer');
  await cleanup();
}

async function dtmf() {
  const tag = 'dtmf';
  if (!(await connectCall(tag))) return;
  await measure([customerPage, agentPage], 1);
  const n = await eventCount(agentPage);
  const digits = ['1', '2', '3', '#'];
  for (const d of digits) {
    await customerPage.click(`#keypad button[data-digit="${d}"]`);
    await sleep(200);
  }
  const mode = await customerPage.evaluate(() => window.gwPage.lastDtmfMode);
  report('dtmf: the customer page sends in-band RFC 4733 (insertDTMF)', mode === 'rfc4733', { mode });
  let got = '';
  const t = Date.now();
  while (Date.now() - t < 5000) {
    const evs = await events(agentPage, n);
    got = evs.filter((e) => e.event === 'dtmf').map((e) => e.digits).join('');
    if (got.length >= digits.length) break;
    await sleep(200);
  }
  const evs = await events(agentPage, n);
  report('dtmf: the agent page gets dtmf events 1 2 3 # within 5 s', got === digits.join(''),
    { got, ms: Date.now() - t, dtmf_events: evs.filter((e) => e.event === 'dtmf') });
  const shown = (await agentPage.textContent('#dtmf-received')).trim();
  report('dtmf: the agent page shows the received digits', shown === digits.join(''), { shown });
  await hangup(tag, 'agent');
  await cleanup();
}

/** Ends whatever call is still up on the desk pages. */
async function cleanup() {
  for (const p of [customerPage, agentPage]) {
    if (!p) continue;
    await p.evaluate(async () => {
      const c = window.gwPage && window.gwPage.call;
      if (c && !c.ended) await c.hangup().catch(() => {});
    }).catch(() => {});
  }
  await sleep(300);
}

const RUN = { echo: () => builtinTarget('echo'), tone: () => builtinTarget('tone'), agent: agentCalls, hold: holdResume, dtmf };
try {
  for (const s of scenarios) {
    scenario = s;
    log(`== scenario ${s}`);
    try {
      await RUN[s]();
    } catch (e) {
      report(`${s}: scenario ran to the end`, false, { error: String(e && e.stack || e) });
      await cleanup().catch(() => {});
    }
  }
  scenario = 'pages';
  report('pages: no JavaScript errors or CSP violations', pageErrors.length === 0, { errors: pageErrors });
} finally {
  await browser.close().catch((e) => log('close:', e.message));
}
log(failures ? `FAIL: ${failures} check(s) failed` : 'PASS: all checks');
process.exit(failures ? 1 : 0);
