// The Vercel AI SDK's own chat client (the `ai` package: AbstractChat, the logic behind useChat, with its
// DefaultChatTransport) against a running gateway. AiSdkClientTest starts it once per scenario and reads the one
// JSON line it prints. Only the state container is ours, as each UI binding (React, Vue, Svelte) brings its own:
// it keeps the messages in memory, as useChat keeps them in React state.
//
//   node chat-client.mjs <scenario> <json options>
//
// options: {"api": "http://127.0.0.1:PORT/api/chat", "chatId": "...", "prompt": "...", "model": "provider/model",
//           "releaseUrl": "http://127.0.0.1:PORT/release" (resume and stop: lets the upstream finish its answer)}
//
// scenarios:
//   full    send one message and read the whole answer; then ask to resume, which must find nothing (204)
//   resume  send, drop the connection once part of the answer arrived (as a browser sees a network failure),
//           resume through GET /api/chat/{id}/stream, read the rest; then ask to resume again (204)
//   stop    send, abort once part of the answer arrived (the AI SDK's stop: it only closes the request), resume
//           (the answer kept running), stop it with POST /api/chat/{id}/stop; then ask to resume again (204)
//   tools   send with options.tools offered (body: {tools}); the client runs each tool the model calls
//           (onToolCall, addToolOutput) and sends the conversation again once every call has its output
//           (sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithToolCalls); read both answers

import { AbstractChat, DefaultChatTransport, lastAssistantMessageIsCompleteWithToolCalls } from 'ai';

const [scenario, optionsJson] = process.argv.slice(2);
const options = JSON.parse(optionsJson);
const deadline = setTimeout(() => fail(new Error(`no result within 60 s (scenario ${scenario})`)), 60_000);

class MemoryChatState {
  constructor(onChange) {
    this.status = 'ready';
    this.error = undefined;
    this.messages = [];
    this.onChange = onChange;
  }

  pushMessage = message => {
    this.messages = this.messages.concat(message);
    this.onChange(this.messages);
  };

  popMessage = () => {
    this.messages = this.messages.slice(0, -1);
    this.onChange(this.messages);
  };

  replaceMessage = (index, message) => {
    this.messages = [...this.messages.slice(0, index), this.snapshot(message), ...this.messages.slice(index + 1)];
    this.onChange(this.messages);
  };

  snapshot = value => structuredClone(value);
}

class Chat extends AbstractChat {
  constructor({ onChange, ...init }) {
    super({ ...init, state: new MemoryChatState(onChange) });
  }
}

/** Resolves once the chat shows some answer text: the moment to cut or stop "mid-answer". */
function textSeen() {
  let resolve;
  const seen = new Promise(r => (resolve = r));
  const onChange = messages => {
    const last = messages[messages.length - 1];
    if (last?.role === 'assistant' && last.parts.some(part => part.type === 'text' && part.text.length > 0)) {
      resolve();
    }
  };
  return { seen, onChange };
}

/**
 * A fetch that behaves like the network: the chat request's connection is dropped once `cut` resolves (the
 * gateway sees the client go; the client sees a TypeError, as a browser reports a lost connection), and a resume
 * that gets its answer calls `onResumed` (which lets the upstream go on).
 */
function networkFetch({ cut, onResumed }) {
  return async (url, init = {}) => {
    const method = init.method ?? 'GET';
    if (method === 'GET') {
      const response = await fetch(url, init);
      if (response.status === 200) {
        await onResumed();
      }
      return response;
    }
    if (cut == null) {
      return fetch(url, init);
    }
    const connection = new AbortController();
    init.signal?.addEventListener('abort', () => connection.abort(init.signal.reason));
    const response = await fetch(url, { ...init, signal: connection.signal });
    const reader = response.body.getReader();
    const cutNow = cut.then(() => 'cut');
    const body = new ReadableStream({
      async pull(controller) {
        const next = await Promise.race([reader.read(), cutNow]);
        if (next === 'cut') {
          connection.abort();
          controller.error(new TypeError('network error'));
        } else if (next.done) {
          controller.close();
        } else {
          controller.enqueue(next.value);
        }
      },
      cancel(reason) {
        connection.abort(reason);
      },
    });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

function normalized(message) {
  if (message == null) {
    return null;
  }
  return {
    id: message.id,
    role: message.role,
    // The gateway puts the answer's usage here (messageMetadata.usage), as useChat's message.metadata.usage.
    metadata: message.metadata ?? null,
    parts: message.parts.map(part => {
      if (part.type === 'text' || part.type === 'reasoning') {
        return { type: part.type, text: part.text, state: part.state };
      }
      if (part.type.startsWith('tool-') || part.type === 'dynamic-tool') {
        return {
          type: part.type,
          toolCallId: part.toolCallId,
          state: part.state,
          input: part.input ?? null,
          output: part.output ?? null,
          errorText: part.errorText ?? null,
        };
      }
      return { type: part.type };
    }),
  };
}

async function release() {
  if (options.releaseUrl != null) {
    const response = await fetch(options.releaseUrl, { method: 'POST' });
    await response.arrayBuffer();
  }
}

async function stopOnServer(chatId) {
  const response = await fetch(`${options.api}/${encodeURIComponent(chatId)}/stop`, { method: 'POST' });
  await response.arrayBuffer();
  return response.status;
}

async function run() {
  const { seen, onChange } = textSeen();
  const errors = [];
  const finishes = [];
  let afterResumed = release;
  const withTools = scenario === 'tools';
  let bothAnswered;
  const secondFinish = new Promise(resolve => (bothAnswered = resolve));
  const transport = new DefaultChatTransport({
    api: options.api,
    body: { ...(options.model == null ? {} : { model: options.model }), ...(withTools ? { tools: options.tools } : {}) },
    fetch: networkFetch({ cut: scenario === 'resume' ? seen : null, onResumed: () => afterResumed() }),
  });
  const chat = new Chat({
    id: options.chatId,
    transport,
    onChange,
    onError: error => errors.push(String(error?.message ?? error)),
    onFinish: ({ isAbort, isDisconnect, isError, finishReason }) => {
      finishes.push({ isAbort, isDisconnect, isError, finishReason: finishReason ?? null });
      if (finishes.length === 2) {
        bothAnswered();
      }
    },
    // The app's own tool: what a page does with a call it can answer in the browser.
    onToolCall: withTools
      ? ({ toolCall }) => {
          chat.addToolOutput({ tool: toolCall.toolName, toolCallId: toolCall.toolCallId,
            output: { city: toolCall.input?.city ?? null, forecast: 'sunny' } });
        }
      : undefined,
    sendAutomaticallyWhen: withTools ? lastAssistantMessageIsCompleteWithToolCalls : undefined,
  });

  const result = { scenario };
  const sent = chat.sendMessage({ text: options.prompt });
  if (scenario === 'stop') {
    await seen;
    await chat.stop();
  }
  await sent;
  result.afterSend = { status: chat.status, message: normalized(chat.lastMessage) };
  if (withTools) {
    await secondFinish;
  }

  if (scenario === 'resume') {
    await chat.resumeStream();
  } else if (scenario === 'stop') {
    afterResumed = async () => {
      result.stopStatus = await stopOnServer(chat.id);
    };
    await chat.resumeStream();
  }
  result.final = { status: chat.status, messages: chat.messages.map(normalized) };
  result.errors = errors;
  result.finishes = finishes;
  // useChat({ resume: true }) on a page load after the end: the gateway answers 204, so nothing to resume.
  const again = await transport.reconnectToStream({ chatId: chat.id });
  result.resumeAfterEnd = again == null ? 'none' : 'stream';
  return result;
}

function fail(error) {
  process.stdout.write(JSON.stringify({ scenario, failure: String(error?.stack ?? error) }) + '\n');
  process.exit(1);
}

run().then(result => {
  clearTimeout(deadline);
  process.stdout.write(JSON.stringify(result) + '\n');
}, fail);
