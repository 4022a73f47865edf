// Opens N concurrent slow streaming chat completions against one routing instance and, while they
// are open, samples that instance's heap (/q/metrics jvm_memory_used_bytes{area="heap"}) and RSS
// (/proc/PID/status VmRSS). Prints one JSON line with the results.
//
//   node bench/streams.mjs BASE_URL KEY MODEL N PID [ramp_ms]
//
// BASE_URL is the routing instance (e.g. http://127.0.0.1:8086); PID its JVM. The simulator must be
// slowed down first (bench/streams.sh does it) so that each stream stays open ~20 s.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const [base, key, model, nArg, pidArg, rampArg] = process.argv.slice(2);
const N = Number(nArg);
const PID = Number(pidArg);
const RAMP_MS = Number(rampArg ?? 3000);
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

function stream() {
  return new Promise((resolve) => {
    const req = http.request(url, {
      method: 'POST', agent,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}`, 'Content-Length': Buffer.byteLength(body) },
    }, (res) => {
      if (res.statusCode !== 200) {
        err(`status ${res.statusCode}`); res.resume(); open--; res.on('end', resolve); res.on('error', resolve); return;
      }
      headers++;
      let tail = '', gotData = false, sawDone = false;
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        if (!gotData && chunk.includes('data:')) { gotData = true; firstChunk++; }
        tail = (tail + chunk).slice(-64);
        if (!sawDone && tail.includes('data: [DONE]')) sawDone = true;
      });
      res.on('end', () => { open--; if (sawDone) done++; else err('ended without [DONE]'); resolve(); });
      res.on('error', (e) => { open--; err(`response ${e.code ?? e.message}`); resolve(); });
    });
    req.on('error', (e) => { open--; err(`request ${e.code ?? e.message}`); resolve(); });
    open++;
    req.end(body);
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
    r.setTimeout(5000, () => { r.destroy(); resolve(NaN); });
  });
}
const rssBytes = () => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${PID}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
};
const threads = () => Number(/Threads:\s+(\d+)/.exec(readFileSync(`/proc/${PID}/status`, 'utf8'))?.[1]);
function liveHeapAfterGc() {
  // full GC via jcmd, then read the heap: what the open streams really keep alive
  try { execFileSync('jcmd', [String(PID), 'GC.run'], { stdio: 'ignore', timeout: 20000 }); } catch { return NaN; }
  return null;
}

const MB = (b) => Math.round(b / 1048576);
const t0 = Date.now();
const samples = [];
let sampling = true;
const sampler = (async () => {
  while (sampling) {
    const heap = await metrics();
    samples.push({ t: Date.now() - t0, open, headers, heap, rss: rssBytes() });
    await new Promise((r) => setTimeout(r, 1000));
  }
})();

const before = { heap: await metrics(), rss: rssBytes() };
const all = [];
const batch = Math.max(1, Math.ceil(N / Math.max(1, RAMP_MS / 50)));
for (let i = 0; i < N; i += batch) {
  for (let j = i; j < Math.min(N, i + batch); j++) all.push(stream());
  await new Promise((r) => setTimeout(r, 50));
}
const rampedAt = Date.now() - t0;
// once the ramp is over and the streams are established, take the live heap after a full GC
await new Promise((r) => setTimeout(r, 4000));
const openAtGc = open, headersAtGc = headers;
liveHeapAfterGc();
const live = { t: Date.now() - t0, open: openAtGc, heap: await metrics(), rss: rssBytes(), threads: threads() };
await Promise.all(all);
sampling = false;
await sampler;
const peakOpen = samples.reduce((m, s) => Math.max(m, s.open), 0);
const maxHeap = samples.reduce((m, s) => Math.max(m, s.heap || 0), 0);
const maxRss = samples.reduce((m, s) => Math.max(m, s.rss || 0), 0);
console.log(JSON.stringify({
  n: N, ramp_ms: rampedAt, elapsed_s: (Date.now() - t0) / 1000, answered_200: headers, got_first_chunk: firstChunk,
  done, errors, peak_open: peakOpen, open_at_gc: openAtGc, answered_at_gc: headersAtGc,
  heap_before_mb: MB(before.heap), rss_before_mb: MB(before.rss),
  heap_max_mb: MB(maxHeap), rss_max_mb: MB(maxRss),
  heap_live_after_gc_mb: MB(live.heap), rss_at_gc_mb: MB(live.rss), threads_at_gc: live.threads,
  samples: samples.map((s) => [s.t, s.open, MB(s.heap), MB(s.rss)]),
}));
process.exit(0);
