// Opens N concurrent slow streaming chat completions against one routing instance and, while they
// are open, samples that instance's heap (/q/metrics jvm_memory_used_bytes{area="heap"}) and RSS
// (/proc/PID/status VmRSS). Prints one JSON line with the results.
//
//   node bench/streams.mjs BASE_URL KEY MODEL N PID [ramp_ms] [h2_connections] [histogram_file]
//
// BASE_URL is the routing instance (e.g. http://127.0.0.1:8086); PID its JVM. The simulator must be
// slowed down first (bench/streams.sh does it) so that each stream stays open longer than the ramp.
// h2_connections 0 (the default): one HTTP/1.1 connection per stream, so N streams need N client
// sockets. h2_connections C > 0: the streams share C HTTP/2 cleartext connections (prior knowledge),
// which is how N can exceed the open-files limit of either process. histogram_file: where the live
// class histogram taken at the full GC goes (jcmd GC.class_histogram), to compare two sizes.
import http from 'node:http';
import http2 from 'node:http2';
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const [base, key, model, nArg, pidArg, rampArg, h2Arg, histogramFile] = process.argv.slice(2);
const N = Number(nArg);
const PID = Number(pidArg);
const RAMP_MS = Number(rampArg ?? 3000);
const H2_CONNECTIONS = Number(h2Arg ?? 0);
const url = new URL('/api/v1/chat/completions', base);
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const metricsAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const body = JSON.stringify({
  model, stream: true, provider: { only: ['openai'] },
  messages: [{ role: 'user', content: 'Write one short sentence about the sea.' }],
});

let open = 0, headers = 0, done = 0, firstChunk = 0;
const errors = {};
const err = (k) => { errors[k] = (errors[k] ?? 0) + 1; };
/** Milliseconds from sending a request to its first `data:` chunk (the first token). */
const firstTokenMs = [];
/** Chunks that carried data, over all streams: a stream delivered chunk by chunk has many. */
let dataChunks = 0;

/** Reads one response's SSE body (a readable stream of utf8 strings) until it ends. */
function readStream(res, sentAt, resolve) {
  headers++;
  let tail = '', gotData = false, sawDone = false, sawError = false;
  res.setEncoding('utf8');
  res.on('data', (chunk) => {
    if (chunk.includes('data:')) {
      dataChunks++;
      if (!gotData) { gotData = true; firstChunk++; firstTokenMs.push(Date.now() - sentAt); }
    }
    const seen = tail + chunk;
    // a stream the gateway had to end (the provider stalled or failed) also ends with [DONE], after
    // an error chunk: that is a failed stream, not a delivered one
    if (!sawError && seen.includes('"finish_reason":"error"')) sawError = true;
    tail = seen.slice(-64);
    if (!sawDone && tail.includes('data: [DONE]')) sawDone = true;
  });
  res.on('end', () => {
    open--;
    if (sawError) err('ended with an error chunk');
    else if (sawDone) done++;
    else err('ended without [DONE]');
    resolve();
  });
  res.on('error', (e) => { open--; err(`response ${e.code ?? e.message}`); resolve(); });
}

function stream1(sentAt) {
  return new Promise((resolve) => {
    const req = http.request(url, {
      method: 'POST', agent,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}`, 'Content-Length': Buffer.byteLength(body) },
    }, (res) => {
      if (res.statusCode !== 200) {
        err(`status ${res.statusCode}`); res.resume(); open--; res.on('end', resolve); res.on('error', resolve); return;
      }
      readStream(res, sentAt, resolve);
    });
    req.on('error', (e) => { open--; err(`request ${e.code ?? e.message}`); resolve(); });
    req.end(body);
  });
}

// HTTP/2: C sessions opened up front; stream i goes to session i mod C. The server's
// SETTINGS_MAX_CONCURRENT_STREAMS bounds how many streams one session carries at once.
const sessions = [];
for (let i = 0; i < H2_CONNECTIONS; i++) {
  const session = http2.connect(base, { settings: { initialWindowSize: 1 << 20 } });
  session.on('error', (e) => err(`session ${e.code ?? e.message}`));
  session.setMaxListeners(0);
  sessions.push(session);
}

function stream2(i, sentAt) {
  return new Promise((resolve) => {
    let req;
    try {
      req = sessions[i % sessions.length].request({
        ':method': 'POST', ':path': url.pathname, 'content-type': 'application/json', authorization: `Bearer ${key}`,
      });
    } catch (e) {
      open--; err(`request ${e.code ?? e.message}`); resolve(); return;
    }
    let answered = false;
    req.on('response', (h) => {
      answered = true;
      const status = h[':status'];
      if (status !== 200) {
        err(`status ${status}`); req.resume(); open--; req.on('end', resolve); return;
      }
      readStream(req, sentAt, resolve);
    });
    req.on('error', (e) => { if (!answered) { open--; err(`request ${e.code ?? e.message}`); resolve(); } });
    req.end(body);
  });
}

let started = 0;
function stream() {
  open++;
  const i = started++;
  return H2_CONNECTIONS > 0 ? stream2(i, Date.now()) : stream1(Date.now());
}

// Event-loop lag seen from outside: the round trip of a request the router answers on the event
// loop at once (an unknown path: 404), timed every second while the streams are open.
const probeMs = [];
function probe() {
  return new Promise((resolve) => {
    const t = process.hrtime.bigint();
    const r = http.get(new URL('/streams-bench-probe', base), { agent: metricsAgent }, (res) => {
      res.resume();
      res.on('end', () => { probeMs.push(Number(process.hrtime.bigint() - t) / 1e6); resolve(); });
    });
    r.on('error', () => resolve());
    r.setTimeout(10000, () => { r.destroy(); resolve(); });
  });
}

function metrics() {
  return new Promise((resolve) => {
    const r = http.get(new URL('/q/metrics', base), { agent: metricsAgent }, (res) => {
      let text = ''; res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        let heap = 0;
        for (const line of text.split('\n')) {
          if (line.startsWith('jvm_memory_used_bytes{') && line.includes('area="heap"')) heap += Number(line.split(' ').pop());
        }
        resolve(heap);
      });
    });
    r.on('error', () => resolve(NaN));
    r.setTimeout(30000, () => { r.destroy(); resolve(NaN); });
  });
}
const rssBytes = () => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${PID}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
};
const fds = () => { try { return execFileSync('ls', [`/proc/${PID}/fd`]).toString().split('\n').length - 1; } catch { return NaN; } };
const threads = () => Number(/Threads:\s+(\d+)/.exec(readFileSync(`/proc/${PID}/status`, 'utf8'))?.[1]);
function liveHeapAfterGc(file = histogramFile) {
  // full GC via jcmd, then read the heap: what the open streams really keep alive (a class
  // histogram of live objects runs the full GC itself)
  try {
    if (file) {
      writeFileSync(file, execFileSync('jcmd', [String(PID), 'GC.class_histogram'], { timeout: 60000, maxBuffer: 1 << 28 }));
    } else {
      execFileSync('jcmd', [String(PID), 'GC.run'], { stdio: 'ignore', timeout: 60000 });
    }
  } catch { return NaN; }
  return null;
}

const MB = (b) => Math.round(b / 1048576);
const t0 = Date.now();
const samples = [];
let sampling = true;
const sampler = (async () => {
  while (sampling) {
    const heap = await metrics();
    await probe();
    samples.push({ t: Date.now() - t0, open, headers, heap, rss: rssBytes() });
    await new Promise((r) => setTimeout(r, 1000));
  }
})();

if (histogramFile) liveHeapAfterGc(`${histogramFile}.idle`); // the same instance with no stream open
const before = { heap: await metrics(), rss: rssBytes() };
const all = [];
const batch = Math.max(1, Math.ceil(N / Math.max(1, RAMP_MS / 50)));
for (let i = 0; i < N; i += batch) {
  for (let j = i; j < Math.min(N, i + batch); j++) all.push(stream());
  await new Promise((r) => setTimeout(r, 50));
}
const rampedAt = Date.now() - t0;
// once the ramp is over and the streams are established (every open one answered, or 60 s at
// most on a loaded machine), take the live heap after a full GC
await new Promise((r) => setTimeout(r, 4000));
for (let waited = 0; waited < 60000 && headers < open; waited += 500) await new Promise((r) => setTimeout(r, 500));
const openAtGc = open, headersAtGc = headers;
liveHeapAfterGc();
const live = { t: Date.now() - t0, open: openAtGc, heap: await metrics(), rss: rssBytes(), threads: threads(), fds: fds() };
await Promise.all(all);
sampling = false;
await sampler;
const peakOpen = samples.reduce((m, s) => Math.max(m, s.open), 0);
const maxHeap = samples.reduce((m, s) => Math.max(m, s.heap || 0), 0);
const maxRss = samples.reduce((m, s) => Math.max(m, s.rss || 0), 0);
const pct = (xs, p) => { const v = [...xs].sort((a, b) => a - b); return v.length ? Math.round(v[Math.min(v.length - 1, Math.floor(p * v.length))]) : null; };
console.log(JSON.stringify({
  n: N, ramp_ms: rampedAt, elapsed_s: (Date.now() - t0) / 1000, answered_200: headers, got_first_chunk: firstChunk,
  done, errors, peak_open: peakOpen, open_at_gc: openAtGc, answered_at_gc: headersAtGc,
  heap_before_mb: MB(before.heap), rss_before_mb: MB(before.rss),
  heap_max_mb: MB(maxHeap), rss_max_mb: MB(maxRss),
  heap_live_after_gc_mb: MB(live.heap), rss_at_gc_mb: MB(live.rss), threads_at_gc: live.threads, fds_at_gc: live.fds,
  h2_connections: H2_CONNECTIONS, data_chunks: dataChunks,
  first_token_ms: { p50: pct(firstTokenMs, 0.5), p99: pct(firstTokenMs, 0.99), max: pct(firstTokenMs, 1) },
  probe_ms: { p50: pct(probeMs, 0.5), p99: pct(probeMs, 0.99), max: pct(probeMs, 1) },
  samples: samples.map((s) => [s.t, s.open, MB(s.heap), MB(s.rss)]),
}));
process.exit(0);
