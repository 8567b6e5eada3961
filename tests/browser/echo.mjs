// Drives Debian's Chromium (playwright-core) through one WebRTC audio call
// whose answer comes from outside, through files in a work directory:
//
//   node echo.mjs --dir DIR [--seconds 8] [--chromium /usr/bin/chromium]
//
//   1. writes DIR/offer.sdp (fake microphone, ICE gathering complete);
//   2. waits for DIR/answer.sdp (e.g. examples/browser-echo/answer.sh
//      DIR/offer.sdp DIR/answer.sdp) and sets it;
//   3. polls getStats() and requires inbound-rtp audio packetsReceived to rise
//      at every step over at least 5 s (--seconds of samples after the first
//      packet);
//   4. with --wait-end S, keeps sampling until the call ends from the far side
//      (DTLS transport or connection "closed"/"failed"; e.g. a DTLS
//      close_notify) or S seconds pass, and records it as result.ended (the
//      epoch time also in DIR/ended);
//   5. hangs up (--hangup: pc.close(), as a page's hang-up button does; else
//      the page is just closed), closes the page and the browser through
//      Playwright, writes DIR/closed (epoch seconds) and DIR/result.json,
//      exits 0 on success.
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    dir: { type: 'string' },
    seconds: { type: 'string', default: '8' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
    'answer-timeout': { type: 'string', default: '30' },
    'wait-end': { type: 'string', default: '0' },
    hangup: { type: 'boolean', default: false },
  },
});
if (!opt.dir) {
  console.error('usage: node echo.mjs --dir DIR [--seconds 8] [--chromium PATH]');
  process.exit(2);
}
const dir = opt.dir;
const seconds = Number(opt.seconds);
const log = (...a) => console.error(`[echo.mjs ${new Date().toISOString().slice(11, 23)}]`, ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const writeAtomic = (path, text) => { writeFileSync(path + '.tmp', text); renameSync(path + '.tmp', path); };

const PAGE = `<!doctype html><meta charset="utf-8"><title>webrtc-gw browser echo</title>
<script>
window.startCall = async () => {
  const pc = new RTCPeerConnection({ iceServers: [] });
  window.pc = pc;
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
  for (const track of stream.getAudioTracks()) pc.addTrack(track, stream);
  const gathered = new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') resolve();
    pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') resolve(); });
  });
  await pc.setLocalDescription(await pc.createOffer());
  await Promise.race([gathered, new Promise((r) => setTimeout(r, 10000))]);
  return pc.localDescription.sdp;
};
window.setAnswer = (sdp) => window.pc.setRemoteDescription({ type: 'answer', sdp });
window.sample = async () => {
  const pc = window.pc;
  const out = { connection: pc.connectionState, ice: pc.iceConnectionState, inbound: null, outbound: null, pair: null };
  const report = await pc.getStats();
  for (const s of report.values()) {
    if (s.type === 'inbound-rtp' && s.kind === 'audio')
      out.inbound = { ssrc: s.ssrc, packetsReceived: s.packetsReceived, bytesReceived: s.bytesReceived, packetsLost: s.packetsLost, jitter: s.jitter, codecId: s.codecId };
    if (s.type === 'outbound-rtp' && s.kind === 'audio')
      out.outbound = { ssrc: s.ssrc, packetsSent: s.packetsSent };
    if (s.type === 'transport') out.dtls = s.dtlsState;
    if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') {
      const l = report.get(s.localCandidateId), r = report.get(s.remoteCandidateId);
      out.pair = { local: l && l.address + ':' + l.port + ' ' + l.candidateType, remote: r && r.address + ':' + r.port + ' ' + r.candidateType };
    }
  }
  return out;
};
</script>`;

const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(PAGE);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/`;

const profile = mkdtempSync(join(tmpdir(), 'gw-chromium-'));
const result = { ok: false, samples: [], reason: '' };
let context;
try {
  // A fresh profile each run (Playwright passes it as --user-data-dir).
  context = await chromium.launchPersistentContext(profile, {
    executablePath: opt.chromium,
    headless: true,
    args: [
      '--no-sandbox', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run',
    ],
  });
  const page = await context.newPage();
  page.on('console', (m) => log('page:', m.text()));
  await page.goto(url);
  const offer = await page.evaluate(() => window.startCall());
  writeAtomic(join(dir, 'offer.sdp'), offer);
  log('offer written:', offer.split('\n').filter((l) => l.startsWith('a=candidate')).map((l) => l.trim()).join(' | '));

  const answerPath = join(dir, 'answer.sdp');
  const deadline = Date.now() + Number(opt['answer-timeout']) * 1000;
  while (!existsSync(answerPath)) {
    if (Date.now() > deadline) throw new Error('no answer.sdp in time');
    await sleep(100);
  }
  await page.evaluate((sdp) => window.setAnswer(sdp), readFileSync(answerPath, 'utf8'));
  log('answer set');

  // Wait up to 20 s for the first echoed packet, then sample every 500 ms.
  const t0 = Date.now();
  let first = null;
  while (Date.now() - t0 < 20000) {
    const s = await page.evaluate(() => window.sample());
    s.t = (Date.now() - t0) / 1000;
    result.samples.push(s);
    if (s.inbound && s.inbound.packetsReceived > 0) { first = s; break; }
    await sleep(250);
  }
  if (!first) throw new Error('no inbound audio packet within 20 s: ' + JSON.stringify(result.samples.at(-1)));
  log('first inbound packets at', first.t, 's:', JSON.stringify(first));
  const tFirst = Date.now();
  while (Date.now() - tFirst < seconds * 1000) {
    await sleep(500);
    const s = await page.evaluate(() => window.sample());
    s.t = (Date.now() - t0) / 1000;
    result.samples.push(s);
  }
  // Rising at every 1 s step from the first packet on, over >= 5 s.
  const series = result.samples.filter((s) => s.t >= first.t);
  const counts = series.map((s) => [s.t, s.inbound ? s.inbound.packetsReceived : 0]);
  let rising = true;
  for (let i = 0; i < counts.length; i++) {
    const later = counts.find(([t]) => t >= counts[i][0] + 1);
    if (later && !(later[1] > counts[i][1])) { rising = false; result.reason = `no rise after t=${counts[i][0]}s`; }
  }
  const span = counts.at(-1)[0] - counts[0][0];
  result.span = span;
  result.packetsReceived = counts.map(([t, n]) => [Math.round(t * 10) / 10, n]);
  result.ok = rising && span >= 5;
  if (!result.ok && !result.reason) result.reason = `span ${span}s < 5s`;
  log('packetsReceived over time:', JSON.stringify(result.packetsReceived));
  log('last sample:', JSON.stringify(result.samples.at(-1)));
  const waitEnd = Number(opt['wait-end']) * 1000;
  if (waitEnd > 0) {
    const tWait = Date.now();
    const over = (v) => v === 'closed' || v === 'failed';
    while (Date.now() - tWait < waitEnd) {
      const s = await page.evaluate(() => window.sample());
      s.t = (Date.now() - t0) / 1000;
      result.samples.push(s);
      if (over(s.dtls) || over(s.connection)) {
        result.ended = { t: s.t, at: Date.now() / 1000, dtls: s.dtls, connection: s.connection, ice: s.ice,
          packetsReceived: s.inbound ? s.inbound.packetsReceived : 0 };
        writeAtomic(join(dir, 'ended'), String(result.ended.at));
        log('the call ended from the far side:', JSON.stringify(result.ended));
        break;
      }
      await sleep(250);
    }
    if (!result.ended) log(`the call did not end from the far side within ${waitEnd / 1000} s`);
  }
  if (opt.hangup) {
    await page.evaluate(() => window.pc.close());
    writeAtomic(join(dir, 'hungup'), String(Date.now() / 1000));
    log('hung up: pc.close()');
    await sleep(500);
  }
  await page.close();
} catch (e) {
  result.reason = String(e && e.message || e);
  log('error:', result.reason);
} finally {
  if (context) await context.close().catch((e) => log('close:', e.message));
  writeAtomic(join(dir, 'closed'), String(Date.now() / 1000));
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
writeAtomic(join(dir, 'result.json'), JSON.stringify(result, null, 1));
log(result.ok ? 'PASS: inbound audio rose' : 'FAIL: ' + result.reason);
process.exit(result.ok ? 0 : 1);
