// Streaming overhead: time to first token and inter-chunk gaps, straight to the simulator and
// through the gateway, N sequential streams each (one at a time, so nothing but the proxy differs).
// With NGINX_URL (a plain reverse proxy in front of the simulator) the same streams go through it too,
// as the floor any proxy pays in this mode (one stream at a time: the proxy idles between streams).
// The targets take turns, one stream each per round, so a drift of the machine (a background job,
// the simulator's timers) falls on all of them alike instead of on whichever series ran then.
// usage: node bench/ttft.mjs SIMULATOR_URL GATEWAY_URL KEY PROVIDER UPSTREAM_MODEL GATEWAY_MODEL [NGINX_URL]
const [sim, gateway, key, provider, upstreamModel, gatewayModel, nginx] = process.argv.slice(2);
const N = Number(process.env.TTFT_STREAMS || 100);

await fetch(`${sim}/sim/providers/${provider}`, {
  method: 'PUT', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ ttft_ms: 50, tokens_per_second: 200, output_tokens: 40 }),
});

async function stream(url, model, headers, extra = {}) {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model, ...extra, stream: true, messages: [{ role: 'user', content: 'Tell me about the sea.' }] }),
  });
  if (res.status !== 200) throw new Error(`${url}: status ${res.status} ${await res.text()}`);
  const decoder = new TextDecoder();
  let ttft = null; let last = null; const gaps = []; let buffer = '';
  for await (const bytes of res.body) {
    buffer += decoder.decode(bytes, { stream: true });
    let i;
    while ((i = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, i); buffer = buffer.slice(i + 2);
      if (!event.startsWith('data: {')) continue;
      const chunk = JSON.parse(event.slice(6));
      if (!chunk.choices?.[0]?.delta?.content) continue;
      const now = performance.now();
      if (ttft === null) ttft = now - t0; else gaps.push(now - last);
      last = now;
    }
  }
  return { ttft, gaps };
}

function pct(values, p) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
function stddev(values) {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / values.length);
}

/** Interleaved rounds over the targets: 20 warm-up rounds, then N measured ones. */
async function rounds(targets) {
  const out = targets.map(() => ({ ttfts: [], gaps: [] }));
  for (let i = 0; i < 20 + N; i++) {
    for (let t = 0; t < targets.length; t++) {
      const [url, model, headers, extra] = targets[t];
      const r = await stream(url, model, headers, extra);
      if (i >= 20) { out[t].ttfts.push(r.ttft); out[t].gaps.push(...r.gaps); }
    }
  }
  return out;
}

try {
  const targets = [
    [`${sim}/p/${provider}/v1/chat/completions`, upstreamModel, {}, {}],
    [`${gateway}/api/v1/chat/completions`, gatewayModel, { authorization: `Bearer ${key}` }, { provider: { only: [provider] } }],
  ];
  if (nginx) targets.push([`${nginx}/p/${provider}/v1/chat/completions`, upstreamModel, {}, {}]);
  const [direct, via, floor] = await rounds(targets);
  const f = (x) => x.toFixed(2);
  console.log(`streams: ${N} each, taking turns; simulator ttft 50 ms, 200 tokens/s, 40 tokens`);
  if (floor) {
    console.log(`TTFT ms      nginx p50 ${f(pct(floor.ttfts, 50))} p99 ${f(pct(floor.ttfts, 99))} | added p50 ${f(pct(floor.ttfts, 50) - pct(direct.ttfts, 50))} p99 ${f(pct(floor.ttfts, 99) - pct(direct.ttfts, 99))}`);
  }
  console.log(`TTFT ms      direct p50 ${f(pct(direct.ttfts, 50))} p99 ${f(pct(direct.ttfts, 99))} | gateway p50 ${f(pct(via.ttfts, 50))} p99 ${f(pct(via.ttfts, 99))} | added p50 ${f(pct(via.ttfts, 50) - pct(direct.ttfts, 50))} p99 ${f(pct(via.ttfts, 99) - pct(direct.ttfts, 99))}`);
  console.log(`chunk gap ms direct stddev ${f(stddev(direct.gaps))} | gateway stddev ${f(stddev(via.gaps))} | added jitter ${f(stddev(via.gaps) - stddev(direct.gaps))}`);
} finally {
  await fetch(`${sim}/sim/providers/${provider}`, { method: 'DELETE' });
}
