// Runs the official OpenAI Node SDK's Responses API (responses.create) against a live gateway:
// plain, streamed, a function tool round trip, and the same on Anthropic and Gemini endpoints.
// Env: BASE_URL (…/api/v1), API_KEY (inference key), MODEL (served by an OpenAI-compatible endpoint).
// Prints one line per check and exits non-zero when any check failed.
import OpenAI from 'openai';
import { assert, check, finish } from './checks.mjs';

const { BASE_URL, API_KEY, MODEL } = process.env;

const openai = new OpenAI({ baseURL: BASE_URL, apiKey: API_KEY, maxRetries: 0, timeout: 20000 });
const tools = [{
  type: 'function', name: 'get_weather', description: 'Weather in a city', strict: false,
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
}];

async function plain(model, extra = {}) {
  const r = await openai.responses.create({ model, input: 'Say hello in five words.',
    instructions: 'Be brief.', max_output_tokens: 64, metadata: { suite: 'responses' }, ...extra });
  assert(r.object === 'response', `object ${r.object}`);
  assert(r.status === 'completed' || r.status === 'incomplete', `status ${r.status}`);
  assert(r.output_text.length > 0, 'empty output_text');
  assert(r.output.some((item) => item.type === 'message'), 'no message item');
  assert(r.usage.input_tokens > 0 && r.usage.output_tokens > 0, `usage ${JSON.stringify(r.usage)}`);
  assert(r.usage.total_tokens === r.usage.input_tokens + r.usage.output_tokens, 'total_tokens');
  assert(typeof r.usage.cost === 'number', 'no cost in usage');
  assert(r.metadata?.suite === 'responses', 'metadata not echoed');
  return r;
}

async function streamed(model, extra = {}) {
  const stream = await openai.responses.create({ model, input: 'Count to five.', stream: true, ...extra });
  const types = []; let text = ''; let last = -1; let done = null;
  for await (const event of stream) {
    types.push(event.type);
    assert(event.sequence_number === last + 1, `sequence ${event.sequence_number} after ${last}`);
    last = event.sequence_number;
    if (event.type === 'response.output_text.delta') text += event.delta;
    if (event.type === 'response.completed' || event.type === 'response.incomplete') done = event.response;
    if (event.type === 'response.failed' || event.type === 'error') throw new Error(JSON.stringify(event));
  }
  assert(types[0] === 'response.created' && types[1] === 'response.in_progress', `starts ${types.slice(0, 2)}`);
  assert(types.includes('response.output_item.added') && types.includes('response.content_part.added'),
    `no item events: ${types}`);
  assert(types.includes('response.output_text.done') && types.includes('response.output_item.done'), 'no done events');
  assert(done, 'no response.completed');
  assert(text.length > 0 && text === done.output_text, 'streamed text differs from the final response');
  assert(done.usage.total_tokens > 0 && typeof done.usage.cost === 'number', 'no usage with cost');
  return done;
}

await check('responses: plain', async () => {
  const r = await plain(MODEL);
  assert(r.model === MODEL, `model ${r.model}`);
});
await check('responses: streamed', () => streamed(MODEL));
await check('responses: function tool round trip', async () => {
  const input = [{ role: 'user', content: 'What is the weather in Paris?' }];
  const first = await openai.responses.create({ model: MODEL, input, tools, tool_choice: 'required' });
  const call = first.output.find((item) => item.type === 'function_call');
  assert(call && call.name === 'get_weather', `no function_call in ${JSON.stringify(first.output)}`);
  JSON.parse(call.arguments);
  const second = await openai.responses.create({ model: MODEL, tools, input: [...input,
    { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
    { type: 'function_call_output', call_id: call.call_id, output: JSON.stringify({ temp: 21, unit: 'C' }) }] });
  assert(second.status === 'completed' || second.status === 'incomplete', `status ${second.status}`);
  assert(second.output.length > 0, 'no output after the tool result');
});
// the SDK's stream helper rebuilds the response from the events and throws on any it cannot place
await check('responses: stream helper (finalResponse)', async () => {
  const stream = openai.responses.stream({ model: MODEL, input: 'Count to five.' });
  let text = '';
  stream.on('response.output_text.delta', (e) => { text += e.delta; });
  const final = await stream.finalResponse();
  assert(final.output_text.length > 0 && final.output_text === text, `final ${final.output_text} vs ${text}`);
});
await check('responses: streamed function call', async () => {
  const stream = openai.responses.stream({ model: MODEL, input: 'What is the weather in Oslo?', tools,
    tool_choice: 'required' });
  let args = '';
  stream.on('response.function_call_arguments.delta', (e) => { args += e.delta; });
  const final = await stream.finalResponse();
  const call = final.output.find((item) => item.type === 'function_call');
  assert(call && call.name === 'get_weather', `no function_call in ${JSON.stringify(final.output)}`);
  assert(call.arguments === args, `arguments ${call.arguments} vs streamed ${args}`);
  JSON.parse(call.arguments);
});
await check('responses: stateful requests are refused', async () => {
  try {
    await openai.responses.create({ model: MODEL, input: 'hi', previous_response_id: 'resp_123' });
  } catch (e) {
    assert(e.status === 400 && /stateless/.test(e.message), `${e.status} ${e.message}`);
    return;
  }
  throw new Error('previous_response_id was accepted');
});

// A model the catalog serves from another protocol's endpoint, chosen from the live model list: the
// first whose endpoints include the wanted providers (a 404 says none of them serves it).
const ids = (await openai.models.list()).data.map((m) => m.id);
async function served(prefix, only) {
  for (const id of ids.filter((m) => m.startsWith(prefix)).slice(0, 8)) {
    try {
      await openai.responses.create({ model: id, input: 'hi', max_output_tokens: 16, provider: { only } });
      return id;
    } catch (e) {
      if (e.status !== 404) throw e;
    }
  }
  throw new Error(`no ${prefix} model served by ${only}`);
}
for (const [name, prefix, only, shown] of [['anthropic', 'anthropic/claude', ['anthropic'], 'anthropic'],
  ['gemini', 'google/gemini', ['google-ai-studio', 'google-vertex'], 'google']]) {
  let model = null;
  await check(`responses on ${name}: plain`, async () => {
    model = await served(prefix, only);
    const r = await plain(model, { provider: { only } });
    assert(r.provider && r.provider.toLowerCase().includes(shown), `${model} served by ${r.provider}`);
  });
  await check(`responses on ${name}: streamed`, () => streamed(model, { provider: { only } }));
}

finish();
