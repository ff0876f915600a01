// One round trip of the unmodified OpenAI Node SDK through Keyway, named by the first argument; prints what the SDK
// returned (or raised) as one JSON object on stdout. KEYWAY_BASE_URL, KEYWAY_KEY and MODEL come from the environment.
// The test that runs it (bootstrap's AnthropicSdkTest) sets up the fake provider behind Keyway and checks the output.
import OpenAI from "openai";

const client = new OpenAI({
  baseURL: process.env.KEYWAY_BASE_URL,
  apiKey: process.env.KEYWAY_KEY,
  maxRetries: 0,
  timeout: 20_000,
});
const model = process.env.MODEL;

const weatherTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "The weather in a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

/** Every chunk's deltas and the usage chunk, gathered from a stream the SDK iterates. */
async function drain(stream) {
  const seen = { content: "", finish_reasons: [], usage: null, chunks: 0, tool_calls: {} };
  for await (const chunk of stream) {
    seen.chunks++;
    if (chunk.usage) seen.usage = chunk.usage;
    for (const choice of chunk.choices) {
      if (choice.delta?.content) seen.content += choice.delta.content;
      if (choice.finish_reason) seen.finish_reasons.push(choice.finish_reason);
      for (const call of choice.delta?.tool_calls ?? []) {
        const into = (seen.tool_calls[call.index] ??= { id: null, name: null, arguments: "" });
        if (call.id) into.id = call.id;
        if (call.function?.name) into.name = call.function.name;
        if (call.function?.arguments) into.arguments += call.function.arguments;
      }
    }
  }
  return seen;
}

const scenarios = {
  async plain() {
    const answer = await client.chat.completions.create({
      model,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Say hello" },
      ],
    });
    return { object: answer.object, content: answer.choices[0].message.content,
      finish_reason: answer.choices[0].finish_reason, usage: answer.usage, model: answer.model };
  },

  async stream() {
    const stream = await client.chat.completions.create({
      model, stream: true, stream_options: { include_usage: true },
      messages: [{ role: "user", content: "Say hello" }],
    });
    return await drain(stream);
  },

  async tools() {
    const messages = [{ role: "user", content: "Weather in Paris?" }];
    const first = await client.chat.completions.create({ model, messages, tools: [weatherTool], tool_choice: "auto" });
    const call = first.choices[0].message.tool_calls[0];
    messages.push(first.choices[0].message);
    messages.push({ role: "tool", tool_call_id: call.id, content: "{\"celsius\":21}" });
    const second = await client.chat.completions.create({ model, messages, tools: [weatherTool] });
    return { first_finish_reason: first.choices[0].finish_reason, call_id: call.id, call_name: call.function.name,
      call_arguments: call.function.arguments, second_content: second.choices[0].message.content };
  },

  async streamed_tool() {
    const stream = await client.chat.completions.create({
      model, stream: true, messages: [{ role: "user", content: "Weather in Paris?" }], tools: [weatherTool],
    });
    return await drain(stream);
  },

  async image() {
    const answer = await client.chat.completions.create({
      model,
      messages: [{ role: "user", content: [
        { type: "text", text: "What is in these?" },
        { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
        { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
      ] }],
    });
    return { content: answer.choices[0].message.content };
  },

  async rate_limited() {
    try {
      await client.chat.completions.create({ model, messages: [{ role: "user", content: "hi" }] });
      return { raised: false };
    } catch (e) {
      return { raised: true, name: e.constructor.name, status: e.status, retry_after: e.headers?.get("retry-after") ?? null,
        code: e.code ?? null, type: e.type ?? null, message: e.error?.message ?? null };
    }
  },

  async overloaded_mid_stream() {
    const stream = await client.chat.completions.create({
      model, stream: true, messages: [{ role: "user", content: "Say hello" }],
    });
    let content = "";
    try {
      for await (const chunk of stream) {
        content += chunk.choices[0]?.delta?.content ?? "";
      }
      return { raised: false, content };
    } catch (e) {
      return { raised: true, name: e.constructor.name, content, message: e.message };
    }
  },
};

const scenario = scenarios[process.argv[2]];
if (!scenario) {
  console.error(`no scenario ${process.argv[2]}; known: ${Object.keys(scenarios).join(", ")}`);
  process.exit(2);
}
try {
  console.log(JSON.stringify(await scenario()));
} catch (e) {
  console.log(JSON.stringify({ unexpected: true, name: e.constructor.name, status: e.status ?? null, message: e.message }));
}
