// The price of the wire formats: the same upstream reached through /chat/completions, /responses and
// /messages, one request at a time, the routes taking turns (so a drift of the machine falls on all
// alike); per route the JSON latency and the stream's time to first token, p50 and p99, and how much
// each differs from chat. Then embeddings throughput: 32 concurrent clients for DURATION seconds.
// usage: node bench/formats.mjs GATEWAY_URL KEY SIMULATOR_URL PROVIDER MODEL EMBEDDING_MODEL
const [gateway, key, sim, provider, model, embeddingModel] = process.argv.slice(2);
const N = Number(process.env.FORMAT_ROUNDS || 200);
const DURATION = Number(process.env.DURATION || 10);
const prompt = 'Tell me about the sea.';
const only = { provider: { only: [provider] } };
const routes = {
  chat: { path: '/api/v1/chat/completions', auth: { authorization: `Bearer ${key}` },
    body: { model, ...only, messages: [{ role: 'user', content: prompt }] } },
  responses: { path: '/api/v1/responses', auth: { authorization: `Bearer ${key}` },
    body: { model, ...only, input: prompt } },
  messages: { path: '/api/v1/messages', auth: { 'x-api-key': key, 'anthropic-version': '2023-06-01' },
    body: { model, ...only, max_tokens: 256, messages: [{ role: 'user', content: prompt }] } },
};

await fetch(`${sim}/sim/providers/${provider}`, {
  method: 'PUT', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ ttft_ms: 50, tokens_per_second: 200, output_tokens: 40 }),
});

async function call(route, stream) {
  const r = routes[route];
  const t0 = performance.now();
  const res = await fetch(gateway + r.path, {
    method: 'POST', headers: { 'content-type': 'application/json', ...r.auth },
    body: JSON.stringify({ ...r.body, stream }),
  });
  if (res.status !== 200) throw new Error(`${route}: status ${res.status} ${await res.text()}`);
  if (!stream) { await res.arrayBuffer(); return performance.now() - t0; }
  let first = null;
  const decoder = new TextDecoder();
  let seen = '';
  for await (const bytes of res.body) {
    seen += decoder.decode(bytes, { stream: true });
    // the first event that carries generated text: a chat delta, an output_text delta, a text_delta
    if (first === null && /"(content|delta|text)":"[^"]/.test(seen)) first = performance.now() - t0;
  }
  return first;
}

const pct = (v, p) => { const s = [...v].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };
const out = Object.fromEntries(Object.keys(routes).map((r) => [r, { json: [], ttft: [] }]));
try {
  for (let i = 0; i < 20 + N; i++) {
    for (const route of Object.keys(routes)) {
      const json = await call(route, false);
      const ttft = await call(route, true);
      if (i >= 20) { out[route].json.push(json); out[route].ttft.push(ttft); }
    }
  }
} finally {
  await fetch(`${sim}/sim/providers/${provider}`, { method: 'DELETE' });
}
const f = (x) => x.toFixed(3);
console.log(`rounds: ${N} (after 20 warm-up), routes taking turns; simulator ttft 50 ms, 200 tokens/s, 40 tokens`);
for (const route of Object.keys(routes)) {
  const o = out[route];
  const c = out.chat;
  console.log(`${route.padEnd(10)} json p50 ${f(pct(o.json, 50))} p99 ${f(pct(o.json, 99))} ms (vs chat ${f(pct(o.json, 50) - pct(c.json, 50))})`
    + ` | first token p50 ${f(pct(o.ttft, 50))} p99 ${f(pct(o.ttft, 99))} ms (vs chat ${f(pct(o.ttft, 50) - pct(c.ttft, 50))})`);
}

// embeddings: closed loop, 32 clients
let done = 0; let failed = 0;
const until = performance.now() + DURATION * 1000;
const inputs = ['the sea at night', 'a short sentence about the sea', 'waves', 'salt and wind'];
await Promise.all(Array.from({ length: 32 }, async () => {
  while (performance.now() < until) {
    const res = await fetch(`${gateway}/api/v1/embeddings`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: embeddingModel, input: inputs, dimensions: 256 }),
    });
    await res.arrayBuffer();
    if (res.status === 200) done++; else failed++;
  }
}));
console.log(`embeddings (4 inputs, 256 dimensions, 32 clients, ${DURATION}s): ${(done / DURATION).toFixed(0)} req/s, ${failed} failed`);
