// kitess preview, in the browser: draws the PDF's pages with pdf.js, keeps the reader's page (`#page=N`, updated
// as they scroll), shows the build's errors over the page, and redraws the PDF in place as soon as it has been
// printed again: pdf.js and its worker stay loaded, the page being read is drawn first and swapped in, the other
// pages are drawn again as they come near the screen. Plain JavaScript served as is: no build step.

const body = document.body;
const statusLine = document.getElementById('etat');
const overlay = document.getElementById('erreurs');
const announce = document.getElementById('annonce');
const file = body.dataset.fichier ?? '';
const isViewer = body.dataset.page === 'apercu';

const plural = (n, word) => `${n} ${word}${n >= 2 ? 's' : ''}`;
const el = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};

/** The page asked in the address (`#page=N`), 1 by default. */
function pageFromHash() {
  const m = /page=(\d+)/.exec(location.hash);
  return m ? Math.max(1, Number(m[1])) : 1;
}

/** Shows the build's state: progress or « à jour » in the status line, the errors in the overlay. */
function showState(state) {
  if (state.building) statusLine.textContent = state.step || 'Construction en cours…';
  else if (state.errors.length || state.failure) statusLine.textContent = 'La dernière construction a échoué : l’aperçu montre la version précédente.';
  else statusLine.textContent = state.warnings ? `À jour · ${plural(state.warnings, 'avertissement')} (voir le terminal)` : 'À jour';
  body.dataset.construction = state.building ? 'en-cours' : 'finie';
  if (state.errors.length === 0 && !state.failure) {
    overlay.hidden = true;
    overlay.replaceChildren();
    body.dataset.erreurs = '0';
    return;
  }
  const count = state.errors.filter((d) => d.severity === 'erreur').length;
  const title = el('h2', '', state.failure && count === 0 ? '✗ La construction a échoué' : `✗ ${plural(count, 'erreur')} dans les sources`);
  title.id = 'erreurs-titre';
  const list = el('ul');
  for (const d of state.errors) {
    const item = el('li', d.severity === 'erreur' ? 'erreur' : 'avertissement');
    item.append(el('code', 'lieu', `${d.file}:${d.line}:${d.column}`), ' ', el('span', 'message', d.message), ' ', el('span', 'regle', `(${d.rule})`));
    list.append(item);
  }
  const help = el('p', '', 'Corrigez et enregistrez : ce message disparaît dès que la construction réussit. En attendant, l’aperçu montre la dernière version construite.');
  const hide = el('button', '', 'Masquer');
  hide.type = 'button';
  hide.addEventListener('click', () => (overlay.hidden = true));
  overlay.replaceChildren(title, ...(state.failure && count === 0 ? [el('p', 'message', state.failure)] : []), list, help, hide);
  overlay.hidden = false;
  body.dataset.erreurs = String(count || 1);
}

const container = document.getElementById('pages');
/** pdf.js and the one worker every version of the PDF is read by, loaded once for the page's life. */
let pdfjs;
let worker;
/**
 * The version on screen: its number, its pdf.js document, its first page's size, the width and scale its pages are
 * drawn at. Each page frame remembers which view its canvas was drawn from (`drawnFor`), so that a drawing of a
 * replaced version is dropped.
 */
let view;
/** The newest version of the PDF the server has announced; `update` draws it once the current draw is done. */
let wanted = Number(body.dataset.version);
let updating = false;

/** The PDF's address for a version: its own, so that no cache can give an older one. */
function pdfUrl(version) {
  const url = new URL(body.dataset.pdf, location.href);
  url.searchParams.set('v', String(version));
  return url.pathname + url.search;
}

/** The page being read: the one tracked while scrolling, else the one in the address. */
const currentPage = () => Number(body.dataset.pageCourante) || pageFromHash();

/** Draws a page of `v` into a new canvas (not yet on screen); undefined when the document was closed meanwhile. */
async function paint(v, n) {
  try {
    const page = await v.pdf.getPage(n);
    const viewport = page.getViewport({ scale: v.scale * (window.devicePixelRatio || 1) });
    const canvas = el('canvas');
    canvas.width = Math.round(viewport.width);
    canvas.height = Math.round(viewport.height);
    await page.render({ canvas, viewport }).promise;
    return { canvas, ratio: `${viewport.width} / ${viewport.height}` };
  } catch {
    return undefined;
  }
}

/** Puts a canvas drawn from `v` in its frame, unless a newer version has replaced `v` meanwhile. */
function place(v, frame, drawn) {
  if (!drawn || v !== view) return;
  frame.style.aspectRatio = drawn.ratio;
  frame.replaceChildren(drawn.canvas);
  frame.drawnFor = v;
  frame.dataset.dessinee = 'oui';
}

/** Draws a frame's page from the version on screen, once. */
async function draw(frame) {
  const v = view;
  if (frame.drawnFor === v || frame.drawingFor === v) return;
  frame.drawingFor = v;
  frame.dataset.dessinee = 'en-cours';
  place(v, frame, await paint(v, Number(frame.dataset.page)));
}

/** Frames near the screen (what the observer last said), drawn again first after an update. */
const near = new Set();
const observer = new IntersectionObserver(
  (entries) => {
    for (const e of entries) {
      if (e.isIntersecting) near.add(e.target), draw(e.target);
      else near.delete(e.target);
    }
  },
  { rootMargin: '100% 0px' },
);

/** A page's empty frame, the size of the page, labelled for screen readers. */
function frameFor(n, width, first) {
  const frame = el('div', 'page');
  frame.dataset.page = String(n);
  frame.setAttribute('role', 'img');
  frame.style.width = `${width}px`;
  frame.style.aspectRatio = `${first.width} / ${first.height}`;
  observer.observe(frame);
  return frame;
}

/** Loads a version of the PDF; undefined when it cannot be read (not built yet, or being replaced). */
async function open(version) {
  if (!pdfjs) {
    pdfjs = await import('/pdfjs/legacy/build/pdf.min.mjs');
    pdfjs.GlobalWorkerOptions.workerSrc = '/pdfjs/legacy/build/pdf.worker.min.mjs';
    // Passed to every getDocument: destroying a version's document then leaves the worker running.
    worker = new pdfjs.PDFWorker();
  }
  const task = pdfjs.getDocument({ url: pdfUrl(version), worker, wasmUrl: '/pdfjs/wasm/', standardFontDataUrl: '/pdfjs/standard_fonts/', cMapUrl: '/pdfjs/cmaps/' });
  try {
    const pdf = await task.promise;
    const first = (await pdf.getPage(1)).getViewport({ scale: 1 });
    const width = Math.min(container.clientWidth || 800, 900);
    return { pdf, version, first, width, scale: width / first.width };
  } catch {
    await task.destroy().catch(() => undefined);
    return undefined;
  }
}

/**
 * Shows version `next`: its page being read is drawn off screen first, then everything is swapped at once (frames
 * added or removed when the page count changed, labels, page count, the reader's position kept), and the previous
 * document is destroyed. The other pages near the screen are drawn again after it; the far ones when they come near.
 */
async function show(next) {
  const previous = view;
  const count = next.pdf.numPages;
  const asked = previous ? currentPage() : pageFromHash();
  const reading = Math.min(asked, count);
  const drawn = await paint(next, reading);
  if (!drawn && previous) return false;

  let frames = previous ? [...container.querySelectorAll('.page')] : [];
  const anchor = frames[reading - 1];
  const before = anchor?.getBoundingClientRect().top;
  for (const extra of frames.slice(count)) observer.unobserve(extra), near.delete(extra), extra.remove();
  frames = frames.slice(0, count);
  for (let n = frames.length + 1; n <= count; n++) frames.push(frameFor(n, next.width, next.first));
  if (!previous) container.replaceChildren(...frames);
  else container.append(...frames.filter((f) => !f.isConnected));
  view = next;
  frames.forEach((frame, i) => {
    frame.setAttribute('aria-label', `Page ${i + 1} sur ${count}`);
    frame.style.width = `${next.width}px`;
    // Far from the screen, the old drawing goes (it is drawn again, from the new version, when it comes near).
    if (previous && !near.has(frame) && i !== reading - 1) {
      frame.replaceChildren();
      delete frame.dataset.dessinee;
    }
  });
  place(next, frames[reading - 1], drawn);
  // The reader stays where they were (the page being read does not move), or goes to the last page when the
  // document got shorter than the page they were on.
  if (previous && asked === reading) window.scrollBy(0, anchor.getBoundingClientRect().top - before);
  else frames[reading - 1].scrollIntoView({ block: 'start' });
  setCurrent(reading);

  body.dataset.version = String(next.version);
  body.dataset.pages = String(count);
  body.dataset.rendu = 'oui';
  // When the new version's page being read was on screen (the bench reads this clock).
  body.dataset.renduA = String(Date.now());
  const pages = document.getElementById('nombre-pages');
  if (pages) pages.textContent = plural(count, 'page');
  for (const link of document.querySelectorAll('a.pdf-seul')) link.setAttribute('href', pdfUrl(next.version));
  // The server waits for this (half a second at most) before it goes on with the booklet.
  fetch(`/dessinee?f=${encodeURIComponent(file)}&v=${next.version}`, { method: 'POST' }).catch(() => undefined);
  for (const frame of frames) if (near.has(frame)) draw(frame);
  if (previous) {
    previous.pdf.destroy().catch(() => undefined);
    say(`Aperçu mis à jour : ${plural(count, 'page')}.`);
  }
  return true;
}

/** Told to screen readers, politely, without moving the focus; said again even when the words are the same. */
function say(text) {
  if (!announce) return;
  announce.textContent = '';
  setTimeout(() => (announce.textContent = text), 100);
}

function setCurrent(n) {
  if (n !== pageFromHash()) history.replaceState(null, '', `#page=${n}`);
  body.dataset.pageCourante = String(n);
}

/** Draws the newest version announced, one at a time; a version overtaken while it loads is dropped unseen. */
async function update() {
  if (updating) return;
  updating = true;
  try {
    while (!view || wanted !== view.version) {
      const version = wanted;
      const next = await open(version);
      if (!next) {
        // Unreadable: a page showing an older version reloads (and then says what is missing), one with none says so.
        if (view) location.reload();
        else missing();
        return;
      }
      if (version !== wanted || !(await show(next))) {
        await next.pdf.destroy();
        // Overtaken: the loop reads the newer one; not drawable: the page reloads, as it did before redrawing in place.
        if (version === wanted) return location.reload();
      }
    }
  } finally {
    updating = false;
  }
}

/** No PDF to show yet: said in the page, which reloads once a build has made it. */
function missing() {
  container.replaceChildren(el('p', 'vide', 'Ce PDF n’est pas encore construit : la page se rechargera dès qu’il le sera.'));
  body.dataset.rendu = 'absent';
  if (builtSinceLoad) location.reload();
}

// The page being read is the last one whose top has passed the first third of the window.
let pending = false;
const track = () => {
  pending = false;
  if (!view) return;
  const line = window.innerHeight / 3;
  let current = 1;
  for (const f of container.querySelectorAll('.page')) if (f.getBoundingClientRect().top <= line) current = Number(f.dataset.page);
  setCurrent(current);
};
window.addEventListener('scroll', () => {
  if (!pending) (pending = true), requestAnimationFrame(track);
}, { passive: true });

const events = new EventSource(`/evenements?f=${encodeURIComponent(file)}`);
events.addEventListener('etat', (e) => showState(JSON.parse(e.data)));
/** A newer version of this PDF exists: drawn in place, or, when no version could be shown yet, the page reloads. */
const newer = (version) => {
  if (version === wanted || (view && version === view.version)) return;
  wanted = Math.max(wanted, version);
  if (view || updating) update();
  else location.reload();
};
// This PDF was just printed again: drawn now, before the rest of the build ends.
events.addEventListener('pdf', (e) => {
  const pdf = JSON.parse(e.data);
  if (isViewer && pdf.path === file) newer(Number(pdf.version));
});
// A build ended: the home page reloads to list the new state; a viewer draws its PDF if it changed, or reloads if it
// had none to show.
let builtSinceLoad = false;
events.addEventListener('fin', (e) => {
  const end = JSON.parse(e.data);
  if (!end.ok) return;
  builtSinceLoad = true;
  if (!isViewer || body.dataset.rendu === 'absent') return location.reload();
  const latest = end.versions[file];
  if (latest !== undefined) newer(Number(latest));
});

if (isViewer) update();
