// The page side of the Firefox and WebKit engines: one function, sent to the
// page with each request, that resolves a locator chain to elements the way
// Playwright does (CSS, ARIA role + accessible name, label, text) and reads or
// changes them. It must stay self-contained: it is serialized with toString().

/**
 * A locator as data: steps applied in order, each searching inside what the
 * previous steps found (css, role, label, text) or narrowing it (hasText, nth).
 * Texts are { string, exact } or { regex, flags }.
 * @typedef {{ string?: string, exact?: boolean, regex?: string, flags?: string }} TextMatch
 * @typedef {{ kind: 'css', selector: string }
 *   | { kind: 'role', role: string, name?: TextMatch }
 *   | { kind: 'label', text: TextMatch }
 *   | { kind: 'text', text: TextMatch }
 *   | { kind: 'hasText', text: TextMatch }
 *   | { kind: 'nth', index: number }} Step
 */

/**
 * @param {{ op: string, chain: Step[], arg?: any }} request
 * @returns {any}  what op reads; for 'element', the element itself (the driver turns it into a handle)
 */
export function inPage(request) {
  const { op, chain, arg } = request;
  const normalize = (/** @type {unknown} */ text) => String(text ?? '').replace(/[\s\u200b]+/g, ' ').trim();
  /** @param {string} actual @param {TextMatch} expected @param {boolean} substringByDefault */
  const matches = (actual, expected, substringByDefault) => {
    if (expected.regex !== undefined) return new RegExp(expected.regex, expected.flags).test(normalize(actual));
    const [have, want] = [normalize(actual), normalize(expected.string)];
    if (expected.exact || !substringByDefault) return have === want;
    return have.toLowerCase().includes(want.toLowerCase());
  };
  /** Hidden from the accessibility tree: display:none, visibility:hidden, aria-hidden or hidden up the tree. */
  const ariaHidden = (/** @type {Element} */ element) => {
    if (getComputedStyle(element).visibility !== 'visible') return true;
    for (let at = /** @type {Element | null} */ (element); at; at = at.parentElement) {
      if (at.getAttribute('aria-hidden') === 'true' || getComputedStyle(at).display === 'none') return true;
    }
    return false;
  };
  const visible = (/** @type {Element} */ element) => {
    if (getComputedStyle(element).visibility !== 'visible') return false;
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  const roleOf = (/** @type {Element} */ element) => {
    const explicit = element.getAttribute('role');
    if (explicit) return explicit.trim().split(/\s+/)[0];
    const tag = element.localName;
    if (tag === 'input') {
      const type = (element.getAttribute('type') ?? 'text').toLowerCase();
      if (['button', 'submit', 'reset', 'image'].includes(type)) return 'button';
      if (type === 'checkbox' || type === 'radio') return type;
      if (['text', 'search', 'email', 'tel', 'url'].includes(type)) return element.hasAttribute('list') ? 'combobox' : 'textbox';
      return null;
    }
    if (tag === 'select') return /** @type {HTMLSelectElement} */ (element).multiple ? 'listbox' : 'combobox';
    if (tag === 'a' || tag === 'area') return element.hasAttribute('href') ? 'link' : null;
    if (/^h[1-6]$/.test(tag)) return 'heading';
    /** @type {Record<string, string>} */
    const implicit = { button: 'button', textarea: 'textbox', tr: 'row', td: 'cell', th: 'columnheader', table: 'table',
      ul: 'list', ol: 'list', li: 'listitem', nav: 'navigation', main: 'main', dialog: 'dialog', img: 'img' };
    return implicit[tag] ?? null;
  };
  /** The text Playwright matches against: textContent without <script>, <style> and <noscript>. */
  const textOf = (/** @type {Node} */ node) => {
    if (node.nodeType === Node.TEXT_NODE) return node.nodeValue ?? '';
    if (node.nodeType !== Node.ELEMENT_NODE && node.nodeType !== Node.DOCUMENT_FRAGMENT_NODE) return '';
    if (['script', 'style', 'noscript'].includes(/** @type {Element} */ (node).localName)) return '';
    let text = '';
    for (const child of node.childNodes) text += textOf(child);
    return text;
  };
  /** The names a label gives: aria-labelledby, aria-label, then <label> elements. */
  const labelsOf = (/** @type {Element} */ element) => {
    const names = [];
    const labelledBy = element.getAttribute('aria-labelledby');
    if (labelledBy) {
      names.push(labelledBy.split(/\s+/).map((id) => document.getElementById(id)).filter(Boolean).map((e) => textOf(/** @type {Element} */ (e))).join(' '));
    }
    const label = element.getAttribute('aria-label');
    if (label) names.push(label);
    for (const labelElement of /** @type {any} */ (element).labels ?? []) names.push(textOf(labelElement));
    return names;
  };
  /** An approximation of the accessible name computation, enough for buttons, links, rows and form controls. */
  const nameOf = (/** @type {Element} */ element) => {
    const [first] = labelsOf(element);
    if (first !== undefined && normalize(first)) return first;
    const tag = element.localName;
    const type = (element.getAttribute('type') ?? '').toLowerCase();
    if (tag === 'input' && ['button', 'submit', 'reset'].includes(type)) return /** @type {HTMLInputElement} */ (element).value;
    if (tag === 'img') return element.getAttribute('alt') ?? '';
    if (['button', 'link', 'row', 'cell', 'columnheader', 'heading', 'listitem', 'checkbox', 'radio'].includes(roleOf(element) ?? '')) {
      const text = textOf(element);
      if (normalize(text)) return text;
    }
    return element.getAttribute('title') ?? '';
  };
  const byDocumentOrder = (/** @type {Element} */ a, /** @type {Element} */ b) =>
    a === b ? 0 : a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
  /** @param {(Document | Element)[]} scopes @param {string} selector */
  const within = (scopes, selector) => {
    const found = new Set();
    for (const scope of scopes) for (const element of scope.querySelectorAll(selector)) found.add(element);
    return /** @type {Element[]} */ ([...found]).sort(byDocumentOrder);
  };

  /** @type {(Document | Element)[]} */
  let scopes = [document];
  /** @type {Element[]} */
  let found = [];
  for (const step of chain) {
    if (step.kind === 'css') {
      found = within(scopes, step.selector);
    } else if (step.kind === 'role') {
      found = within(scopes, '*').filter((e) => roleOf(e) === step.role && !ariaHidden(e) && (!step.name || matches(nameOf(e), step.name, true)));
    } else if (step.kind === 'label') {
      found = within(scopes, '*').filter((e) => labelsOf(e).some((name) => matches(name, step.text, true)));
    } else if (step.kind === 'text') {
      // The innermost elements whose text matches, as Playwright's getByText.
      const all = within(scopes, '*').filter((e) => !['script', 'style', 'head'].includes(e.localName) && matches(textOf(e), step.text, true));
      found = all.filter((e) => ![...e.children].some((child) => all.includes(child)));
    } else if (step.kind === 'hasText') {
      found = found.filter((e) => matches(textOf(e), step.text, true));
    } else if (step.kind === 'nth') {
      const element = step.index < 0 ? found[found.length + step.index] : found[step.index];
      found = element ? [element] : [];
    }
    scopes = found;
  }

  if (op === 'count') return found.length;
  const [element] = found;
  if (found.length > 1) return { strictViolation: found.length, first: element.outerHTML.slice(0, 200) };
  if (op === 'state') {
    if (!element) return { count: 0 };
    const box = element.getBoundingClientRect();
    const control = /** @type {any} */ (element);
    const disabledByTag = ['button', 'input', 'select', 'textarea', 'option', 'optgroup', 'fieldset'].includes(element.localName) && control.disabled;
    return {
      count: 1,
      text: textOf(element),
      textContent: element.textContent,
      value: 'value' in control ? String(control.value) : null,
      className: element.getAttribute('class') ?? '',
      visible: visible(element),
      focused: document.activeElement === element,
      enabled: !disabledByTag && !element.closest('fieldset:disabled') && element.getAttribute('aria-disabled') !== 'true',
      inViewport: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0 && box.left < innerWidth && box.top < innerHeight,
      // Where it is, and whether a click at its middle would reach it (nothing on top): Playwright's
      // stable and receives-events checks before a click.
      box: [box.x, box.y, box.width, box.height].map((n) => Math.round(n * 10) / 10).join(','),
      hit: (() => {
        const at = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
        return at !== null && (at === element || element.contains(at));
      })(),
      attribute: arg?.attribute !== undefined ? element.getAttribute(arg.attribute) : null,
    };
  }
  if (!element) return { missing: true };
  if (op === 'element') {
    // Scrolled to the middle only when not already in view, as Playwright does before a click.
    const box = element.getBoundingClientRect();
    if (box.top < 0 || box.left < 0 || box.bottom > innerHeight || box.right > innerWidth) element.scrollIntoView({ block: 'center', inline: 'center' });
    return element;
  }
  if (op === 'focus') {
    /** @type {HTMLElement} */ (element).focus();
    return { done: true };
  }
  if (op === 'fill') {
    // As Playwright's fill: focus, replace the value, announce it as typed input.
    const control = /** @type {HTMLInputElement} */ (element);
    control.focus();
    control.value = arg.text;
    control.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: arg.text }));
    control.dispatchEvent(new Event('change', { bubbles: true }));
    return { done: true };
  }
  if (op === 'selectOption') {
    const select = /** @type {HTMLSelectElement} */ (element);
    const option = [...select.options].find((o) => o.value === arg.value || normalize(o.label) === normalize(arg.value));
    if (!option) return { error: `no option ${JSON.stringify(arg.value)} in the select` };
    select.value = option.value;
    select.dispatchEvent(new Event('input', { bubbles: true }));
    select.dispatchEvent(new Event('change', { bubbles: true }));
    return { done: true, value: [option.value] };
  }
  if (op === 'setInputFiles') {
    // The bytes arrive as base64 and become File objects in the input, as a person choosing them would give.
    const input = /** @type {HTMLInputElement} */ (element);
    const transfer = new DataTransfer();
    for (const file of arg.files) {
      const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], file.name, { type: file.mimeType }));
    }
    input.files = transfer.files;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
    return { done: true };
  }
  return { error: `unknown op ${op}` };
}
