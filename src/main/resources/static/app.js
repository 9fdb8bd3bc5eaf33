// The chat page: wires the DOM to llm-stream.js. All untrusted text (prompts, answers, errors) reaches
// the DOM as text nodes or through markdown.js, which builds elements itself; never as HTML.
import { createClient, State } from './llm-stream.js';
import { renderMarkdown } from './markdown.js';

const KEY_STORAGE = 'llm-sse-gateway.api-key';

const $ = (id) => document.getElementById(id);
const ui = {
  model: $('model'),
  customField: $('custom-model-field'),
  customModel: $('custom-model'),
  keyPanel: $('key-panel'),
  keyForm: $('key-form'),
  keyInput: $('api-key'),
  keyForget: $('key-forget'),
  keySummary: $('key-summary'),
  conversation: $('conversation'),
  emptyHint: $('empty-hint'),
  composer: $('composer'),
  prompt: $('prompt'),
  send: $('send'),
  stop: $('stop'),
  status: $('status'),
};

const client = createClient({ apiKey: () => sessionStorage.getItem(KEY_STORAGE) });
const messages = []; // the conversation sent with every question: finished turns only
let active = null; // { stream, turn } while an answer is under way
let turnCount = 0;

// ---- model picker ----------------------------------------------------------------------------------

async function loadModels() {
  try {
    const { defaultModel, models } = await client.models();
    const names = [];
    for (const entry of models) {
      const provider = entry.slice(0, entry.indexOf('/'));
      // `provider/*` takes any model name: offer the default's name where it is that provider's,
      // otherwise let the user type one.
      if (entry.endsWith('/*')) names.push(defaultModel.startsWith(`${provider}/`) ? defaultModel : entry);
      else names.push(entry);
    }
    if (defaultModel && !names.includes(defaultModel)) names.unshift(defaultModel);
    ui.model.replaceChildren(
      ...names.map((name) => {
        const label = name.endsWith('/*') ? `${name.slice(0, -2)}/… (type a name)` : name;
        return new Option(label, name, name === defaultModel, name === defaultModel);
      }),
    );
  } catch (error) {
    announce(`Could not load the model list (${error.message}); the gateway default is used.`);
  }
  syncCustomModel();
}

function syncCustomModel() {
  ui.customField.hidden = !ui.model.value.endsWith('/*');
}

/** The `model` to send, or undefined for the gateway default; null if a required name is missing. */
function chosenModel() {
  const value = ui.model.value;
  if (!value) return undefined;
  if (!value.endsWith('/*')) return value;
  const name = ui.customModel.value.trim();
  return name ? `${value.slice(0, -1)}${name}` : null;
}

// ---- API key ---------------------------------------------------------------------------------------

function syncKeySummary() {
  ui.keySummary.textContent = sessionStorage.getItem(KEY_STORAGE) ? 'set' : 'not set';
}

ui.keyForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const key = ui.keyInput.value.trim();
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
  ui.keyInput.value = ''; // not left in the DOM where any script could read it back
  syncKeySummary();
  ui.keyPanel.open = false;
  announce(key ? 'API key saved for this tab.' : 'API key removed.');
});

ui.keyForget.addEventListener('click', () => {
  sessionStorage.removeItem(KEY_STORAGE);
  ui.keyInput.value = '';
  syncKeySummary();
  announce('API key removed.');
});

// A popover closes with Escape (focus back on its toggle) or a click elsewhere on the page.
ui.keyPanel.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && ui.keyPanel.open) {
    event.preventDefault();
    ui.keyPanel.open = false;
    ui.keyPanel.querySelector('summary').focus();
  }
});

document.addEventListener('pointerdown', (event) => {
  if (ui.keyPanel.open && !ui.keyPanel.contains(event.target)) ui.keyPanel.open = false;
});

// ---- turns -----------------------------------------------------------------------------------------

function appendTurn(className, who) {
  ui.emptyHint.hidden = true;
  const id = `turn-${++turnCount}`;
  const turn = node('article', `turn ${className}`);
  turn.setAttribute('aria-labelledby', id);
  const heading = node('h2', 'turn-who', who);
  heading.id = id;
  turn.append(heading);
  ui.conversation.append(turn);
  sizes.observe(turn);
  return turn;
}

function appendUserTurn(text) {
  const turn = appendTurn('turn-user', 'You');
  turn.append(node('div', 'user-text', text));
  followingEnd = true;
  scrollToEnd(true);
}

/** The assistant's turn: tool lines, the answer, a status line and the meta line. */
function createAnswerTurn(model) {
  const turn = appendTurn('turn-assistant', 'Assistant');
  turn.querySelector('.turn-who').append(' ', node('span', 'turn-model', model || 'default model'));
  const tools = node('ul', 'tool-lines');
  tools.hidden = true;
  tools.setAttribute('aria-label', 'Tool calls');
  // The model's reasoning, collapsed: there to open, not in the way of the answer.
  const reasoning = node('details', 'reasoning');
  reasoning.hidden = true;
  const reasoningLabel = node('summary', 'reasoning-label', 'Reasoning');
  const reasoningText = node('div', 'reasoning-text');
  reasoning.append(reasoningLabel, reasoningText);
  // Polite and busy while streaming: screen readers announce the answer once, when it is complete,
  // instead of word by word.
  const answer = node('div', 'answer');
  answer.setAttribute('aria-live', 'polite');
  const status = node('div', 'turn-status');
  status.hidden = true;
  const meta = node('p', 'turn-meta');
  turn.append(reasoning, tools, answer, status, meta);
  return { turn, tools, reasoning, reasoningLabel, reasoningText, answer, status, meta, text: '',
    toolLines: new Map(), renderQueued: false };
}

function resetAnswerTurn(view) {
  view.text = '';
  view.toolLines.clear();
  view.tools.replaceChildren();
  view.tools.hidden = true;
  view.reasoning.hidden = true;
  view.reasoning.open = false;
  view.reasoningText.replaceChildren();
  view.answer.replaceChildren();
  view.meta.replaceChildren();
  view.status.replaceChildren();
  view.status.hidden = true;
}

// Re-rendering the whole answer keeps the Markdown right as constructs close (a fence, a **); one
// render per animation frame keeps that cheap however fast tokens arrive.
function queueRender(view) {
  if (view.renderQueued) return;
  view.renderQueued = true;
  requestAnimationFrame(() => render(view));
}

function render(view) {
  view.renderQueued = false;
  view.answer.replaceChildren(renderMarkdown(view.text));
  if (view.turn.dataset.state === State.STREAMING || view.turn.dataset.state === State.RECONNECTING
      || view.turn.dataset.state === State.CONNECTING) {
    lastBlock(view.answer).append(caret());
  }
  scrollToEnd(followingEnd);
}

function caret() {
  const span = node('span', 'caret');
  span.setAttribute('aria-hidden', 'true');
  return span;
}

/** The innermost last block, so that the caret sits right after the last character. */
function lastBlock(root) {
  let target = root;
  while (target.lastElementChild && /^(P|UL|OL|LI|PRE|CODE)$/.test(target.lastElementChild.tagName)) {
    target = target.lastElementChild;
  }
  return target;
}

function showToolEvent(view, event) {
  let line = view.toolLines.get(event.index);
  if (event.type === 'start' || !line) {
    line = { element: node('li', 'tool-line'), name: event.name || 'tool', chars: 0 };
    view.toolLines.set(event.index, line);
    view.tools.append(line.element);
    view.tools.hidden = false;
  }
  if (event.type === 'delta') line.chars += (event.arguments || '').length;
  const what = event.type === 'end' ? 'called' : 'calling';
  const size = line.chars ? ` · ${line.chars} characters of arguments` : '';
  line.element.textContent = `⚙ ${what} ${line.name}${size}`;
  line.element.dataset.phase = event.type;
}

function showMeta(view, { finishReason, usage, timeToFirstTokenMs }) {
  const parts = [];
  if (finishReason && finishReason !== 'stop') parts.push(node('span', 'finish', finishReason));
  if (timeToFirstTokenMs !== null && timeToFirstTokenMs !== undefined) {
    parts.push(node('span', 'ttft', `first token ${timeToFirstTokenMs} ms`));
  }
  if (usage) {
    const input = usage.inputTokens ?? '?';
    const output = usage.outputTokens ?? '?';
    parts.push(node('span', 'usage', `${input} tokens in · ${output} out`));
  }
  view.meta.replaceChildren(...parts);
}

function showStatus(view, text, withRetry) {
  view.status.replaceChildren(node('span', 'turn-status-text', text));
  if (withRetry) {
    const retry = node('button', 'retry', 'Retry');
    retry.type = 'button';
    retry.addEventListener('click', () => ask(view.request, view));
    view.status.append(' ', retry);
  }
  view.status.hidden = false;
}

function hideStatus(view) {
  view.status.hidden = true;
  view.status.replaceChildren();
}

// ---- asking ----------------------------------------------------------------------------------------

function send() {
  if (active) return;
  const text = ui.prompt.value.trim();
  if (!text) return;
  const model = chosenModel();
  if (model === null) {
    announce('Type a model name first.');
    ui.customModel.focus();
    return;
  }
  messages.push({ role: 'user', content: text });
  appendUserTurn(text);
  ui.prompt.value = '';
  ask({ messages: [...messages], model });
}

/** Streams one answer into `view` (a new turn unless this is a retry). */
function ask(request, view = createAnswerTurn(request.model)) {
  if (active) return;
  resetAnswerTurn(view);
  view.request = request;
  view.answer.setAttribute('aria-busy', 'true');
  setBusy(true);
  const stream = client.start(request, {
    onStateChange: (state) => onState(view, state),
    onToken: (text) => {
      view.text += text;
      queueRender(view);
    },
    onTool: (event) => showToolEvent(view, event),
    onReasoning: (event) => showReasoning(view, event),
    onDone: (result) => {
      finishAnswer(view);
      showMeta(view, result);
      // A stopped answer stays in the conversation as far as it got: that is what the user saw.
      if (view.text) messages.push({ role: 'assistant', content: view.text });
      announce(result.finishReason === 'stopped' ? 'Answer stopped.' : '');
    },
    onError: (error) => {
      finishAnswer(view);
      showMeta(view, { timeToFirstTokenMs: null });
      showStatus(view, errorText(error), true);
      announce(`The answer failed: ${error.message}`);
      if (error.status === 401 || error.status === 403) ui.keyPanel.open = true;
    },
  });
  active = { stream, view };
  render(view); // the caret shows that an answer is on its way before the first token
}

function onState(view, state) {
  view.turn.dataset.state = state;
  if (state === State.RECONNECTING) {
    showStatus(view, 'Connection lost, reconnecting…', false);
    announce('Connection lost, reconnecting…');
  } else if (state === State.STREAMING && !view.status.hidden) {
    hideStatus(view);
    announce('Reconnected.');
  }
}

function finishAnswer(view) {
  active = null;
  hideStatus(view);
  render(view);
  view.answer.setAttribute('aria-busy', 'false');
  setBusy(false);
}

function errorText({ code, message, retryable }) {
  return `${message} (${code}${retryable ? ', worth retrying' : ''})`;
}

function setBusy(busy) {
  // Disabling the focused Stop button would drop focus to <body>; hand it to the message box instead.
  const stopHadFocus = document.activeElement === ui.stop;
  ui.send.disabled = busy;
  ui.stop.disabled = !busy;
  if (!busy && stopHadFocus) ui.prompt.focus();
}

function stop() {
  if (active) active.stream.stop();
}

// ---- helpers ---------------------------------------------------------------------------------------

/** Reasoning text as it streams (text only, never markup); the label says whether it is still coming. */
function showReasoning(view, event) {
  view.reasoning.hidden = false;
  if (event.type === 'delta') view.reasoningText.append(event.text || '');
  view.reasoningLabel.textContent = event.type === 'end' ? 'Reasoning' : 'Reasoning…';
}

function node(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

function announce(text) {
  ui.status.textContent = text;
}

function nearEnd() {
  const c = ui.conversation;
  return c.scrollHeight - c.scrollTop - c.clientHeight < 48;
}

function scrollToEnd(follow) {
  if (follow) ui.conversation.scrollTop = ui.conversation.scrollHeight;
}

// ---- following the latest message ------------------------------------------------------------------

// Whether the view follows the end of the conversation. Sending a message starts following; a scroll
// up by the reader stops it, and scrolling back down to the end resumes it. It is decided by direction
// rather than by distance from the end: when the page scrolls to the end, new content (the next turn)
// may already lie beyond it by the time the scroll event arrives.
let followingEnd = true;
let lastScrollTop = 0;
ui.conversation.addEventListener('scroll', () => {
  const top = ui.conversation.scrollTop;
  if (nearEnd()) followingEnd = true;
  else if (top < lastScrollTop) followingEnd = false;
  lastScrollTop = top;
}, { passive: true });

// Whatever changes a size (a token, a status or meta line, a narrower window rewrapping every turn, the
// header wrapping, the message box resized), a following view stays on the latest message. Observers
// run after layout and before paint, so the reader never sees the view jump.
const sizes = new ResizeObserver(() => scrollToEnd(followingEnd));
sizes.observe(ui.conversation);

// ---- wiring ----------------------------------------------------------------------------------------

ui.composer.addEventListener('submit', (event) => {
  event.preventDefault();
  send();
});

ui.prompt.addEventListener('keydown', (event) => {
  // isComposing: Enter that confirms an IME composition must not send.
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    send();
  } else if (event.key === 'Escape' && active) {
    event.preventDefault();
    stop();
  }
});

ui.stop.addEventListener('click', stop);
ui.model.addEventListener('change', syncCustomModel);
window.addEventListener('pagehide', () => active?.stream.close());

syncKeySummary();
loadModels();
