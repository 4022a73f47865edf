// Runs the official OpenAI Node SDK and OpenRouter's TypeScript SDK against a live gateway.
// Env: BASE_URL (…/api/v1), API_KEY (inference key), MANAGEMENT_KEY, MODEL.
// Prints one line per check and exits non-zero when any check failed.
import OpenAI from 'openai';
import { OpenRouter } from '@openrouter/sdk';
import { assert, check, finish } from './checks.mjs';

const { BASE_URL, API_KEY, MANAGEMENT_KEY, MODEL } = process.env;

const tools = [{
  type: 'function',
  function: {
    name: 'get_weather', description: 'Weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
}];
const messages = [{ role: 'user', content: 'Say hello in five words.' }];

const openai = new OpenAI({ baseURL: BASE_URL, apiKey: API_KEY, maxRetries: 0, timeout: 20000 });

await check('openai: list models', async () => {
  const page = await openai.models.list();
  assert(page.data.length > 100, `only ${page.data.length} models`);
  assert(page.data.some((m) => m.id === MODEL), `${MODEL} not listed`);
});
await check('openai: chat completion', async () => {
  const r = await openai.chat.completions.create({ model: MODEL, messages });
  assert(r.choices[0].message.content.length > 0, 'empty content');
  assert(r.usage.completion_tokens > 0, 'no usage');
});
await check('openai: streaming chat completion', async () => {
  const stream = await openai.chat.completions.create({ model: MODEL, messages, stream: true,
    stream_options: { include_usage: true } });
  let text = ''; let usage = null; let finish = null;
  for await (const chunk of stream) {
    if (chunk.usage) usage = chunk.usage;
    for (const c of chunk.choices) { text += c.delta?.content ?? ''; finish = c.finish_reason ?? finish; }
  }
  assert(text.length > 0, 'no streamed text');
  assert(finish === 'stop' || finish === 'length', `finish_reason ${finish}`);
  assert(usage && usage.total_tokens > 0, 'no usage chunk');
});
await check('openai: tool calling', async () => {
  const r = await openai.chat.completions.create({ model: MODEL, tools,
    messages: [{ role: 'user', content: 'What is the weather in Paris?' }] });
  const call = r.choices[0].message.tool_calls?.[0];
  assert(call && call.function.name === 'get_weather', 'no tool call');
  JSON.parse(call.function.arguments);
  assert(r.choices[0].finish_reason === 'tool_calls', `finish_reason ${r.choices[0].finish_reason}`);
});

const router = new OpenRouter({ apiKey: API_KEY, serverURL: BASE_URL, retryConfig: { strategy: 'none' },
  timeoutMs: 20000 });
const admin = new OpenRouter({ apiKey: MANAGEMENT_KEY, serverURL: BASE_URL, retryConfig: { strategy: 'none' },
  timeoutMs: 20000 });
let generationId = null;

const EMBEDDING_MODEL = 'openai/text-embedding-3-small';
await check('openai: embeddings (the SDK asks for base64 and decodes it), dimensions', async () => {
  const r = await openai.embeddings.create({ model: EMBEDDING_MODEL, input: ['hello', 'good night'], dimensions: 64 });
  assert(r.data.length === 2 && r.data[1].index === 1, JSON.stringify(r).slice(0, 200));
  assert(r.data.every((d) => d.embedding.length === 64), `dimensions: ${r.data.map((d) => d.embedding.length)}`);
  const norm = Math.sqrt(r.data[0].embedding.reduce((a, x) => a + x * x, 0));
  assert(Math.abs(norm - 1) < 1e-3, `not a unit vector: ${norm}`);
  assert(r.usage.prompt_tokens > 0 && r.usage.total_tokens === r.usage.prompt_tokens, JSON.stringify(r.usage));
});
await check('openai: embeddings as floats and as base64 are the same vector', async () => {
  // both from one provider: the model has several, and each provider's vectors are its own
  const provider = { only: ['openai'] };
  const floats = await openai.embeddings.create({ model: EMBEDDING_MODEL, input: 'the same input', dimensions: 16,
    encoding_format: 'float', provider });
  const b64 = await openai.embeddings.create({ model: EMBEDDING_MODEL, input: 'the same input', dimensions: 16,
    encoding_format: 'base64', provider });
  const bytes = Buffer.from(b64.data[0].embedding, 'base64');
  const decoded = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
  assert(decoded.length === 16, `base64 length ${decoded.length}`);
  assert(decoded.every((x, i) => Math.abs(x - floats.data[0].embedding[i]) < 1e-6), 'vectors differ');
});
await check('openrouter: list models', async () => {
  const r = await router.models.list();
  const data = r.result?.data ?? r.data;
  assert(data.length > 100, 'too few models');
});
await check('openrouter: chat.send', async () => {
  const r = await router.chat.send({ chatRequest: { model: MODEL, messages } });
  assert(r.choices[0].message.content.length > 0, 'empty content');
  generationId = r.id;
});
await check('openrouter: chat.send streaming', async () => {
  const stream = await router.chat.send({ chatRequest: { model: MODEL, messages, stream: true } });
  let text = '';
  for await (const chunk of stream) for (const c of chunk.choices) text += c.delta?.content ?? '';
  assert(text.length > 0, 'no streamed text');
});
await check('openrouter: chat.send with tools', async () => {
  const r = await router.chat.send({ chatRequest: { model: MODEL, tools,
    messages: [{ role: 'user', content: 'Weather in Oslo?' }] } });
  assert(r.choices[0].message.toolCalls?.length > 0, 'no tool call');
});
await check('openrouter: current key', async () => {
  const r = await router.apiKeys.getCurrentKeyMetadata();
  assert(r.data, 'no key data');
});
await check('openrouter: generation', async () => {
  let last;
  for (let i = 0; i < 40; i++) {
    try {
      const r = await router.generations.getGeneration({ id: generationId });
      assert(r.data.id === generationId, 'wrong generation');
      return;
    } catch (e) { last = e; await new Promise((res) => setTimeout(res, 250)); }
  }
  throw last;
});
await check('openrouter: credits (management key)', async () => {
  const r = await admin.credits.getCredits();
  assert(Number(r.data.totalCredits) > 0, 'no credits');
});
await check('openrouter: list keys (management key)', async () => {
  const r = await admin.apiKeys.list();
  assert(r.data.length >= 1, 'no keys');
});

finish();
