// Runs the official Anthropic TypeScript SDK against a live gateway's Messages API.
// Env: BASE_URL (…/api/v1), API_KEY (inference key), MODEL (served by an OpenAI-compatible endpoint).
// The SDK appends /v1/messages itself, so its baseURL is the gateway's /api root.
// Prints one line per check and exits non-zero when any check failed.
import Anthropic from '@anthropic-ai/sdk';
import { assert, check, finish } from './checks.mjs';

const { BASE_URL, API_KEY, MODEL } = process.env;

const client = new Anthropic({ baseURL: BASE_URL.replace(/\/v1\/?$/, ''), apiKey: API_KEY, maxRetries: 0,
  timeout: 20000 });
const tools = [{
  name: 'get_weather', description: 'Weather in a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
}];
const messages = [{ role: 'user', content: 'Say hello in five words.' }];

// a Claude model of the catalog, pinned to its Anthropic endpoint: the Anthropic wire protocol upstream
const listed = await (await fetch(`${BASE_URL}/models`, { headers: { authorization: `Bearer ${API_KEY}` } })).json();
const claude = listed.data.map((m) => m.id).filter((id) => id.startsWith('anthropic/claude'))
  .sort((a, b) => Number(b.includes('haiku')) - Number(a.includes('haiku')))[0];
const viaAnthropic = { provider: { only: ['anthropic'] } };
console.log(`models: ${MODEL} (OpenAI-compatible upstream), ${claude} (Anthropic upstream)`);

function text(message) {
  return message.content.filter((b) => b.type === 'text').map((b) => b.text).join('');
}

for (const [label, model, extra] of [['openai upstream', MODEL, {}], ['anthropic upstream', claude, viaAnthropic]]) {
  await check(`messages.create (${label})`, async () => {
    const r = await client.messages.create({ model, max_tokens: 64, messages, ...extra });
    assert(r.type === 'message' && r.role === 'assistant', `shape ${r.type}/${r.role}`);
    assert(text(r).length > 0, 'empty text');
    assert(['end_turn', 'max_tokens'].includes(r.stop_reason), `stop_reason ${r.stop_reason}`);
    assert(r.usage.input_tokens > 0 && r.usage.output_tokens > 0, `usage ${JSON.stringify(r.usage)}`);
  });
  await check(`messages.stream (${label})`, async () => {
    const stream = client.messages.stream({ model, max_tokens: 64, messages, ...extra });
    const seen = [];
    for await (const event of stream) seen.push(event.type);
    const final = await stream.finalMessage();
    assert(seen[0] === 'message_start' && seen.at(-1) === 'message_stop', `events ${seen.join(',')}`);
    assert(seen.indexOf('content_block_start') < seen.indexOf('content_block_delta'), `events ${seen.join(',')}`);
    assert(seen.at(-2) === 'message_delta' && seen.includes('content_block_stop'), `events ${seen.join(',')}`);
    assert(text(final).length > 0, 'no streamed text');
    assert(final.usage.output_tokens > 0, `usage ${JSON.stringify(final.usage)}`);
  });
}

await check('tools + tool_result round trip', async () => {
  const ask = [{ role: 'user', content: 'What is the weather in Paris?' }];
  const first = await client.messages.create({ model: MODEL, max_tokens: 128, tools, tool_choice: { type: 'any' },
    messages: ask });
  const use = first.content.find((b) => b.type === 'tool_use');
  assert(use && use.name === 'get_weather' && typeof use.input === 'object', `no tool_use: ${JSON.stringify(first.content)}`);
  assert(first.stop_reason === 'tool_use', `stop_reason ${first.stop_reason}`);
  for (const [model, extra] of [[MODEL, {}], [claude, viaAnthropic]]) {
    const second = await client.messages.create({ model, max_tokens: 64, tools, tool_choice: { type: 'none' },
      messages: [...ask, { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '21 degrees, sunny' }] }],
      ...extra });
    assert(text(second).length > 0, `${model}: no answer after the tool result`);
  }
});

await check('streamed tool use', async () => {
  const stream = client.messages.stream({ model: MODEL, max_tokens: 128, tools, tool_choice: { type: 'any' },
    messages: [{ role: 'user', content: 'Weather in Paris?' }] });
  const final = await stream.finalMessage();
  const use = final.content.find((b) => b.type === 'tool_use');
  assert(use && typeof use.input === 'object' && use.input !== null, `no tool_use: ${JSON.stringify(final.content)}`);
  assert(final.stop_reason === 'tool_use', `stop_reason ${final.stop_reason}`);
});

await check('thinking', async () => {
  // two turns: the signed thinking block of the first answer goes back as Anthropic requires
  const thinking = { type: 'enabled', budget_tokens: 1024 };
  const ask = [{ role: 'user', content: 'Hi' }];
  const first = await client.messages.create({ model: claude, max_tokens: 2048, ...viaAnthropic, thinking, messages: ask });
  const block = first.content.find((b) => b.type === 'thinking');
  assert(block && block.thinking.length > 0 && block.signature.length > 0, `no signed thinking: ${JSON.stringify(first.content)}`);
  const r = await client.messages.create({ model: claude, max_tokens: 2048, ...viaAnthropic, thinking,
    messages: [...ask, { role: 'assistant', content: first.content }, { role: 'user', content: 'Say hello in five words.' }] });
  assert(text(r).length > 0, 'empty text');
});

await check('countTokens', async () => {
  const r = await client.messages.countTokens({ model: MODEL, system: 'You are terse.', tools,
    messages: [{ role: 'user', content: 'Hello, world' }] });
  assert(Number.isInteger(r.input_tokens) && r.input_tokens > 10, `input_tokens ${r.input_tokens}`);
});

await check('errors in Anthropic shape', async () => {
  const bad = new Anthropic({ baseURL: client.baseURL, apiKey: 'sk-not-a-key', maxRetries: 0, timeout: 20000 });
  try {
    await bad.messages.create({ model: MODEL, max_tokens: 16, messages });
    throw new Error('a bad key was accepted');
  } catch (e) {
    assert(e instanceof Anthropic.AuthenticationError, `not an AuthenticationError: ${e}`);
    assert(e.error?.error?.type === 'authentication_error', `body ${JSON.stringify(e.error)}`);
  }
  try {
    await client.messages.create({ model: MODEL, max_tokens: 16,
      messages: [{ role: 'user', content: [{ type: 'hologram', data: 'x' }] }] });
    throw new Error('an unknown block type was accepted');
  } catch (e) {
    assert(e instanceof Anthropic.BadRequestError, `not a BadRequestError: ${e}`);
    assert(e.error?.error?.type === 'invalid_request_error', `body ${JSON.stringify(e.error)}`);
    assert(String(e.message).includes('hologram'), `message ${e.message}`);
  }
});

finish();
