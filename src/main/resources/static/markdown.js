// A deliberately small Markdown subset, built with DOM APIs only: every piece of the model's text ends up
// in a text node, so nothing in an answer can become markup or script. Supported: fenced code blocks,
// inline code, bullet and numbered lists, **strong** and *emphasis*, and links whose target is http(s).
// Anything else stays literal text. Partial input (mid-stream) renders too: an unclosed fence is code.

const FENCE = /^\s*(`{3,}|~{3,})\s*([\w+.#-]*)\s*$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*(\d{1,9})[.)]\s+(.*)$/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*)$/;

// One alternative per inline construct; the first that matches at a position wins.
const INLINE = new RegExp(
  [
    '`([^`\\n]+)`', // 1: code
    '\\*\\*(?=\\S)([\\s\\S]*?\\S)\\*\\*', // 2: strong
    '(?<![\\w])__(?=\\S)([\\s\\S]*?\\S)__(?![\\w])', // 3: strong
    '\\*(?=[^\\s*])([\\s\\S]*?[^\\s*])\\*', // 4: emphasis
    '(?<![\\w])_(?=[^\\s_])([\\s\\S]*?[^\\s_])_(?![\\w])', // 5: emphasis
    '\\[([^\\]\\n]+)\\]\\(([^()\\s]+)\\)', // 6, 7: link
  ].join('|'),
  'g',
);

/** Renders `source` into a new DocumentFragment. */
export function renderMarkdown(source) {
  const fragment = document.createDocumentFragment();
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  let paragraph = null;
  let list = null;

  const closeBlocks = () => {
    paragraph = null;
    list = null;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = FENCE.exec(line);
    if (fence) {
      closeBlocks();
      const body = [];
      for (i++; i < lines.length && !isClosingFence(lines[i], fence[1]); i++) body.push(lines[i]);
      fragment.append(codeBlock(body.join('\n'), fence[2]));
      continue;
    }
    if (line.trim() === '') {
      closeBlocks();
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    if (bullet || numbered) {
      const tag = bullet ? 'UL' : 'OL';
      if (!list || list.tagName !== tag) {
        paragraph = null;
        list = element(tag);
        if (numbered && numbered[1] !== '1') list.start = Number(numbered[1]);
        fragment.append(list);
      }
      list.append(inline(element('li'), bullet ? bullet[1] : numbered[2]));
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      // Shown as a bold line rather than <h*>: an answer must not reshape the page's heading outline.
      closeBlocks();
      const p = element('p', 'md-heading');
      p.append(inline(element('strong'), heading[1]));
      fragment.append(p);
      continue;
    }
    if (list) {
      // A line right after a list item continues that item.
      const item = list.lastElementChild;
      item.append(element('br'));
      inline(item, line);
      continue;
    }
    if (paragraph) {
      paragraph.append(element('br'));
    } else {
      paragraph = element('p');
      fragment.append(paragraph);
    }
    inline(paragraph, line);
  }
  return fragment;
}

function isClosingFence(line, opening) {
  const trimmed = line.trim();
  return trimmed.length >= opening.length && trimmed === opening[0].repeat(trimmed.length);
}

function codeBlock(text, language) {
  const pre = element('pre');
  const code = element('code');
  if (language) code.dataset.language = language;
  code.textContent = text;
  pre.append(code);
  return pre;
}

/** Appends `text` to `parent` with inline Markdown applied; returns `parent`. */
function inline(parent, text) {
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    appendText(parent, text.slice(last, match.index));
    parent.append(inlineNode(match));
    last = match.index + match[0].length;
  }
  appendText(parent, text.slice(last));
  return parent;
}

function appendText(parent, text) {
  if (text) parent.append(document.createTextNode(text));
}

function inlineNode(match) {
  const [whole, code, strong, strongAlt, em, emAlt, label, target] = match;
  if (code !== undefined) {
    const node = element('code');
    node.textContent = code;
    return node;
  }
  if (strong !== undefined || strongAlt !== undefined) return inline(element('strong'), strong ?? strongAlt);
  if (em !== undefined || emAlt !== undefined) return inline(element('em'), em ?? emAlt);
  const href = safeHref(target);
  if (!href) return document.createTextNode(whole); // javascript:, data:, relative…: shown as typed
  const link = element('a');
  link.href = href;
  link.rel = 'noopener noreferrer nofollow';
  link.target = '_blank';
  return inline(link, label);
}

/** The normalized URL if it is absolute http(s), otherwise null. */
export function safeHref(target) {
  try {
    const url = new URL(target);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function element(tag, className) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  return node;
}
