// Open-loop fixed-rate load: R requests/s for D seconds to one target, the same small chat completion
// as bench/chat.lua. Each latency is measured from the request's SCHEDULED send time, not from when
// it actually left, so a stall (of the target or of this generator) shows in the latency instead of
// silently lowering the load (no coordinated omission). Streams count until the end of the stream
// (`data: [DONE]`); a stream without it is an error.
//
// usage: node bench/rate.mjs --target NAME --base URL --path PATH --model MODEL [--key KEY]
//          [--headers 'Name: value;Name2: value'] [--provider SLUG] [--stream] [--rate 300]
//          [--duration 10] [--warmup 2] [--timeout-ms 10000] [--pause 'PID PID']
// --warmup sends at the same rate first (not recorded), then waits 1 s so consumers drain what it
// produced; --pause SIGSTOPs those processes for the measured part only (SIGCONT after, also on error).
// prints one JSON line: {target, mode, rate, achieved_rate, sent, ok, errors, p50, p90, p99, max,
//   send_lag_p99, send_lag_max, error_kinds} — latencies in ms. achieved_rate < rate, or a large
//   send_lag, means this generator fell behind its schedule (then the latencies include that lag).
import http from 'node:http';
import https from 'node:https';

const opts = { rate: '300', duration: '10', warmup: '2', 'timeout-ms': '10000', key: '', headers: '', provider: '', pause: '' };
for (let i = 2; i < process.argv.length; i++) {
  const name = process.argv[i].replace(/^--/, '');
  if (name === 'stream') opts.stream = true;
  else opts[name] = process.argv[++i];
}
for (const required of ['target', 'base', 'path', 'model']) {
  if (!opts[required]) { console.error(`missing --${required}`); process.exit(2); }
}
const rate = Number(opts.rate);
const duration = Number(opts.duration);
const warmup = Number(opts.warmup);
const timeoutMs = Number(opts['timeout-ms']);
const stream = Boolean(opts.stream);

const url = new URL(opts.path, opts.base);
const client = url.protocol === 'https:' ? https : http;
// maxSockets unbounded: an open-loop generator must never queue requests behind its own pool
const agent = new client.Agent({ keepAlive: true, maxSockets: Infinity });
const headers = { 'content-type': 'application/json' };
if (opts.key) headers.authorization = `Bearer ${opts.key}`;
for (const m of opts.headers.matchAll(/([^:;]+):\s*([^;]+)/g)) headers[m[1].trim().toLowerCase()] = m[2].trim();
const prefs = opts.provider ? `,"provider":{"only":["${opts.provider}"]}` : '';
const body = Buffer.from(`{"model":"${opts.model}"${prefs},"stream":${stream},` +
  '"messages":[{"role":"user","content":"Write one short sentence about the sea."}]}');
headers['content-length'] = String(body.length);

// One request; resolves to an error kind or null. Completion is the end of the body: for a stream
// the last event must be [DONE] (checked on the tail only, the body itself is not kept).
function send() {
  return new Promise((resolve) => {
    let settled = false;
    const done = (error) => { if (!settled) { settled = true; resolve(error); } };
    const req = client.request(url, { method: 'POST', agent, headers, timeout: timeoutMs }, (res) => {
      let tail = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { tail = (tail + chunk).slice(-64); });
      res.on('end', () => {
        if (res.statusCode !== 200) done(`status ${res.statusCode}`);
        else if (stream && !/data: \[DONE\]\s*$/.test(tail)) done('stream without [DONE]');
        else done(null);
      });
      res.on('error', (e) => done(e.code || 'response error'));
      res.on('aborted', () => done('aborted'));
    });
    req.on('timeout', () => { req.destroy(); done('timeout'); });
    req.on('error', (e) => done(e.code || e.message));
    req.end(body);
  });
}

// Sends at `rate` for `seconds`: every tick sends all requests whose scheduled time has come.
async function run(seconds, record) {
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const latencies = []; const lags = []; const errorKinds = {};
  const pending = [];
  const start = performance.now();
  let next = 0;
  let lastSent = start;
  await new Promise((finish) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && start + next * interval <= now) {
        const scheduled = start + next * interval;
        const sentAt = performance.now();
        lastSent = sentAt;
        lags.push(sentAt - scheduled);
        pending.push(send().then((error) => {
          if (!record) return;
          if (error) errorKinds[error] = (errorKinds[error] || 0) + 1;
          else latencies.push(performance.now() - scheduled);
        }));
        next++;
      }
      if (next >= total) finish();
      else setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
    };
    tick();
  });
  const sendSeconds = (lastSent - start) / 1000;
  await Promise.all(pending);
  return { total, latencies, lags, errorKinds, sendSeconds };
}

function pct(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const r3 = (x) => (x === null ? null : Math.round(x * 1000) / 1000);

const paused = opts.pause.split(/[\s,]+/).filter(Boolean).map(Number);
const signal = (name) => paused.forEach((pid) => { try { process.kill(pid, name); } catch { /* gone */ } });
if (warmup > 0) {
  await run(warmup, false);
  await new Promise((r) => setTimeout(r, 1000));
}
let result;
signal('SIGSTOP');
try {
  result = await run(duration, true);
} finally {
  signal('SIGCONT');
}
agent.destroy();
const lat = result.latencies.sort((a, b) => a - b);
const lags = result.lags.sort((a, b) => a - b);
const errors = Object.values(result.errorKinds).reduce((a, b) => a + b, 0);
// requests 0..n-1 are scheduled over (n-1)/rate seconds, so that is the span to compare against
const achieved = result.total > 1 ? (result.total - 1) / Math.max(result.sendSeconds, 1e-9) : rate;
console.log(JSON.stringify({
  target: opts.target, mode: stream ? 'stream' : 'json', rate, achieved_rate: Math.round(achieved * 10) / 10,
  sent: result.total, ok: lat.length, errors,
  p50: r3(pct(lat, 50)), p90: r3(pct(lat, 90)), p99: r3(pct(lat, 99)), max: r3(lat[lat.length - 1] ?? null),
  send_lag_p99: r3(pct(lags, 99)), send_lag_max: r3(lags[lags.length - 1]), error_kinds: result.errorKinds,
}));
