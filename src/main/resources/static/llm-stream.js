// llm-stream.js: a small browser client for llm-sse-gateway. No dependencies and no build step:
// copy this file into your app. See docs/chat-page.md for the contract it relies on.
//
//   import { createClient } from './llm-stream.js';
//   const client = createClient({ apiKey: () => sessionStorage.getItem('key') });
//   const answer = client.start({ messages: [{ role: 'user', content: 'Hi' }], model: 'echo/echo' }, {
//     onToken: (text) => out.append(text),
//     onDone: ({ finishReason, usage }) => {},
//     onError: ({ code, message, retryable }) => {},
//   });
//   answer.stop();

/** The states a stream goes through; DONE, STOPPED and ERROR are final. */
export const State = Object.freeze({
  CONNECTING: 'connecting', // creating the session, or opening the event stream
  STREAMING: 'streaming', // the event stream is open
  RECONNECTING: 'reconnecting', // the connection dropped; resuming after the last event seen
  DONE: 'done',
  STOPPED: 'stopped',
  ERROR: 'error',
});

const TOOL_EVENTS = { tool_start: 'start', tool_delta: 'delta', tool_end: 'end' };
const REASONING_EVENTS = { reasoning_start: 'start', reasoning_delta: 'delta', reasoning_end: 'end' };

// EventSource gives up for good on a non-200 answer (readyState CLOSED). We then reopen it ourselves
// a few times, because a proxy's 502 during a redeploy looks exactly like that.
const MANUAL_RETRY_DELAYS_MS = [1000, 2000, 4000, 8000];

/**
 * Creates a client for one gateway.
 *
 * @param {object} [options]
 * @param {string} [options.baseUrl] the gateway's origin and path prefix; '' for the page's own origin
 * @param {() => (string|null|undefined)} [options.apiKey] read before each POST; sent as a Bearer token
 */
export function createClient({ baseUrl = '', apiKey = () => null } = {}) {
  const base = new URL(baseUrl || '/', window.location.href);
  const url = (path) => new URL(path.replace(/^\//, ''), base).href;

  // The key goes only into POST headers: EventSource cannot send headers, and a key in a URL would
  // end up in logs and the browser history.
  const postHeaders = () => {
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    const key = apiKey();
    if (key) headers.Authorization = `Bearer ${key}`;
    return headers;
  };

  return {
    /** GET /api/models: `{ defaultModel, models }`; a `provider/*` entry accepts any model name. */
    async models() {
      const response = await fetch(url('/api/models'), { headers: { Accept: 'application/json' } });
      if (!response.ok) {
        const problem = await problemOf(response);
        throw Object.assign(new Error(problem.message), problem);
      }
      return response.json();
    },

    /**
     * Starts one answer: POST /api/sessions, then an EventSource on the returned stream URL.
     * Exactly one of onDone and onError is called, once.
     *
     * @param {{messages?: {role: string, content: string}[], prompt?: string, model?: string,
     *          maxTokens?: number, temperature?: number, system?: string}} request
     * @param {{onToken?: Function, onTool?: Function, onReasoning?: Function, onDone?: Function, onError?: Function,
     *          onStateChange?: Function}} callbacks
     * @returns {{readonly state: string, readonly sessionId: (string|null), stop: () => Promise<void>,
     *            close: () => void}}
     */
    start(request, callbacks = {}) {
      return new AnswerStream(request, callbacks, url, postHeaders);
    },
  };
}

class AnswerStream {
  #callbacks;
  #url;
  #postHeaders;
  #state = null;
  #sessionId = null;
  #streamUrl = null;
  #source = null;
  #posting = new AbortController();
  #startedAt = performance.now();
  #firstTokenMs = null;
  #lastId = null; // the last event id seen, sent back to resume
  #lastSeq = 0; // its position, to drop anything already seen
  #manualRetries = 0;
  #retryTimer = null;
  #onOnline = () => this.#resumeNow();

  constructor(request, callbacks, url, postHeaders) {
    this.#callbacks = callbacks;
    this.#url = url;
    this.#postHeaders = postHeaders;
    this.#setState(State.CONNECTING);
    this.#create(request);
  }

  get state() {
    return this.#state;
  }

  get sessionId() {
    return this.#sessionId;
  }

  /** Stops the answer: closes the stream at once, then asks the gateway to cancel the provider. */
  async stop() {
    if (this.#ended()) return;
    const sessionId = this.#sessionId;
    this.#posting.abort(); // a session created but never attached expires on its own
    this.#finish(State.STOPPED);
    this.#emit('onDone', { finishReason: 'stopped', usage: null, timeToFirstTokenMs: this.#firstTokenMs });
    if (sessionId) {
      try {
        await fetch(this.#url(`/api/sessions/${encodeURIComponent(sessionId)}/stop`), {
          method: 'POST',
          headers: this.#postHeaders(),
        });
      } catch {
        // The stream is closed already; the gateway cancels the provider after its detach grace anyway.
      }
    }
  }

  /** Closes the stream without stopping the generation (e.g. on page unload); no callback follows. */
  close() {
    this.#posting.abort();
    this.#teardown();
    this.#state = State.STOPPED;
  }

  async #create(request) {
    let response;
    try {
      response = await fetch(this.#url('/api/sessions'), {
        method: 'POST',
        headers: this.#postHeaders(),
        body: JSON.stringify(request),
        signal: this.#posting.signal,
      });
    } catch (error) {
      if (!this.#ended()) this.#fail({ code: 'network', message: 'The gateway could not be reached.', retryable: true });
      return;
    }
    if (this.#ended()) return;
    if (!response.ok) {
      this.#fail(await problemOf(response));
      return;
    }
    let created;
    try {
      created = await response.json();
    } catch {
      this.#fail({ code: 'bad_response', message: 'The gateway answered with something unexpected.', retryable: true });
      return;
    }
    if (this.#ended()) return;
    this.#sessionId = created.id;
    this.#streamUrl = this.#url(created.streamUrl);
    window.addEventListener('online', this.#onOnline);
    this.#connect();
  }

  #connect() {
    // A fresh EventSource starts without a Last-Event-ID header, so a resume passes the id as a query
    // parameter; the browser's own reconnects then send the header, which the gateway prefers.
    const target = this.#lastId
      ? `${this.#streamUrl}?lastEventId=${encodeURIComponent(this.#lastId)}`
      : this.#streamUrl;
    const source = new EventSource(target);
    this.#source = source;
    source.onopen = () => {
      this.#manualRetries = 0;
      this.#setState(State.STREAMING);
    };
    source.onmessage = (event) => this.#onMessage(event);
    for (const [name, type] of Object.entries(TOOL_EVENTS)) {
      source.addEventListener(name, (event) => this.#onNamedEvent('onTool', type, event));
    }
    for (const [name, type] of Object.entries(REASONING_EVENTS)) {
      source.addEventListener(name, (event) => this.#onNamedEvent('onReasoning', type, event));
    }
    source.onerror = () => this.#onConnectionError(source);
  }

  #onConnectionError(source) {
    if (this.#ended() || source !== this.#source) return;
    this.#setState(State.RECONNECTING);
    // CONNECTING: the browser retries by itself after the server's `retry:` hint, with Last-Event-ID.
    if (source.readyState === EventSource.CLOSED) this.#scheduleManualRetry();
  }

  #scheduleManualRetry() {
    this.#closeSource();
    if (this.#manualRetries >= MANUAL_RETRY_DELAYS_MS.length) {
      this.#fail({ code: 'connection_lost', message: 'The connection to the gateway was lost.', retryable: true });
      return;
    }
    const delay = MANUAL_RETRY_DELAYS_MS[this.#manualRetries++];
    this.#retryTimer = setTimeout(() => this.#connect(), delay);
  }

  /** The browser is back online: resume now instead of waiting for the next retry. */
  #resumeNow() {
    if (this.#state !== State.RECONNECTING) return;
    clearTimeout(this.#retryTimer);
    this.#closeSource();
    this.#connect();
  }

  /** False for an event already seen (a repeat after a resume); records the position otherwise. */
  #accept(event) {
    // Ids are opaque, but the gateway writes them `<generation>.<seq>`; where that form shows, the
    // position guards against repeats even if a proxy replays. Every frame that matters carries an id.
    const match = /\.(\d+)$/.exec(event.lastEventId || '');
    if (match) {
      const seq = Number(match[1]);
      if (seq <= this.#lastSeq) return false;
      this.#lastSeq = seq;
    }
    if (event.lastEventId) this.#lastId = event.lastEventId;
    return true;
  }

  #onMessage(event) {
    if (this.#ended() || !this.#accept(event)) return;
    let data;
    try {
      data = JSON.parse(event.data);
    } catch {
      this.#fail({ code: 'bad_frame', message: 'The gateway sent a frame that is not JSON.', retryable: true });
      return;
    }
    if (typeof data.token === 'string') {
      if (this.#firstTokenMs === null) this.#firstTokenMs = Math.round(performance.now() - this.#startedAt);
      this.#emit('onToken', data.token, { id: event.lastEventId });
    } else if (data.done) {
      const finishReason = data.finishReason || 'stop';
      this.#finish(finishReason === 'stopped' ? State.STOPPED : State.DONE);
      this.#emit('onDone', { finishReason, usage: data.usage || null, timeToFirstTokenMs: this.#firstTokenMs });
    } else if (data.error) {
      this.#fail(data.error);
    }
  }

  #onNamedEvent(callback, type, event) {
    if (this.#ended() || !this.#accept(event)) return;
    try {
      this.#emit(callback, { type, ...JSON.parse(event.data) });
    } catch {
      // A malformed extra is not worth ending the answer for.
    }
  }

  #fail({ code = 'error', message = 'The answer failed.', retryable = false, status } = {}) {
    this.#finish(State.ERROR);
    this.#emit('onError', { code, message, retryable: Boolean(retryable), status });
  }

  #finish(state) {
    this.#teardown();
    this.#setState(state);
  }

  #teardown() {
    clearTimeout(this.#retryTimer);
    window.removeEventListener('online', this.#onOnline);
    this.#closeSource();
  }

  #closeSource() {
    if (this.#source) {
      this.#source.close();
      this.#source = null;
    }
  }

  #ended() {
    return this.#state === State.DONE || this.#state === State.STOPPED || this.#state === State.ERROR;
  }

  #setState(state) {
    if (state === this.#state) return;
    const previous = this.#state;
    this.#state = state;
    this.#emit('onStateChange', state, previous);
  }

  #emit(name, ...args) {
    const callback = this.#callbacks[name];
    if (typeof callback === 'function') callback(...args);
  }
}

/** Reads an RFC 9457 problem response into the shape onError receives. */
async function problemOf(response) {
  let problem = {};
  try {
    problem = await response.json();
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  return {
    code: problem.code || `http_${response.status}`,
    message: problem.detail || problem.title || `The gateway answered ${response.status}.`,
    retryable: response.status === 429 || response.status >= 500,
    status: response.status,
  };
}
