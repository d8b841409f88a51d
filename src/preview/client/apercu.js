// kitess preview, in the browser: draws the PDF's pages with pdf.js, keeps the reader's page across reloads
// (`#page=N`, updated as they scroll), shows the build's errors over the page, and reloads the page as soon as
// the PDF it shows has been printed again. Plain JavaScript served as is: no build step.

const body = document.body;
const statusLine = document.getElementById('etat');
const overlay = document.getElementById('erreurs');
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

/** Draws every page of the PDF (lazily, as they come near the screen), then goes to the page in the address. */
async function drawPdf() {
  const container = document.getElementById('pages');
  const pdfjs = await import('/pdfjs/legacy/build/pdf.min.mjs');
  pdfjs.GlobalWorkerOptions.workerSrc = '/pdfjs/legacy/build/pdf.worker.min.mjs';
  let pdf;
  try {
    pdf = await pdfjs.getDocument({ url: body.dataset.pdf, wasmUrl: '/pdfjs/wasm/', standardFontDataUrl: '/pdfjs/standard_fonts/', cMapUrl: '/pdfjs/cmaps/' }).promise;
  } catch {
    container.replaceChildren(el('p', 'vide', 'Ce PDF n’est pas encore construit : la page se rechargera dès qu’il le sera.'));
    body.dataset.rendu = 'absent';
    if (builtSinceLoad) location.reload();
    return;
  }
  const count = pdf.numPages;
  const first = (await pdf.getPage(1)).getViewport({ scale: 1 });
  const width = Math.min(container.clientWidth || 800, 900);
  const scale = width / first.width;
  const ratio = window.devicePixelRatio || 1;
  const frames = [];
  for (let n = 1; n <= count; n++) {
    const frame = el('div', 'page');
    frame.dataset.page = String(n);
    frame.setAttribute('role', 'img');
    frame.setAttribute('aria-label', `Page ${n} sur ${count}`);
    frame.style.width = `${width}px`;
    frame.style.aspectRatio = `${first.width} / ${first.height}`;
    frames.push(frame);
  }
  container.replaceChildren(...frames);

  const draw = async (frame) => {
    if (frame.dataset.dessinee) return;
    frame.dataset.dessinee = 'en-cours';
    const page = await pdf.getPage(Number(frame.dataset.page));
    const viewport = page.getViewport({ scale: scale * ratio });
    const canvas = el('canvas');
    canvas.width = Math.round(viewport.width);
    canvas.height = Math.round(viewport.height);
    frame.style.aspectRatio = `${viewport.width} / ${viewport.height}`;
    await page.render({ canvas, viewport }).promise;
    frame.replaceChildren(canvas);
    frame.dataset.dessinee = 'oui';
  };
  const observer = new IntersectionObserver((entries) => entries.forEach((e) => e.isIntersecting && draw(e.target)), { rootMargin: '100% 0px' });
  frames.forEach((f) => observer.observe(f));

  const target = frames[Math.min(pageFromHash(), count) - 1];
  target.scrollIntoView({ block: 'start' });
  await draw(target);
  body.dataset.rendu = 'oui';
  body.dataset.pages = String(count);

  // The page being read is the last one whose top has passed the first third of the window.
  let pending = false;
  const track = () => {
    pending = false;
    const line = window.innerHeight / 3;
    let current = 1;
    for (const f of frames) if (f.getBoundingClientRect().top <= line) current = Number(f.dataset.page);
    if (current !== pageFromHash()) history.replaceState(null, '', `#page=${current}`);
    body.dataset.pageCourante = String(current);
  };
  body.dataset.pageCourante = String(Math.min(pageFromHash(), count));
  window.addEventListener('scroll', () => {
    if (!pending) (pending = true), requestAnimationFrame(track);
  }, { passive: true });
}

const events = new EventSource(`/evenements?f=${encodeURIComponent(file)}`);
events.addEventListener('etat', (e) => showState(JSON.parse(e.data)));
// This PDF was just printed again: reload now (the address keeps #page=N), before the rest of the build ends.
const version = body.dataset.version;
events.addEventListener('pdf', (e) => {
  const pdf = JSON.parse(e.data);
  if (isViewer && pdf.path === file && String(pdf.version) !== version) location.reload();
});
// A build ended: the home page lists the new state; a viewer reloads if its PDF changed or was missing. A viewer
// still drawing the version it was given is not reloaded: that would start its loading again for nothing (it has
// just reloaded for this build's new PDF); if that PDF turns out to be missing, drawPdf reloads then.
let builtSinceLoad = false;
events.addEventListener('fin', (e) => {
  const end = JSON.parse(e.data);
  if (!end.ok) return;
  builtSinceLoad = true;
  const latest = end.versions[file];
  if (!isViewer || body.dataset.rendu === 'absent' || (latest !== undefined && String(latest) !== version)) location.reload();
});

if (isViewer) drawPdf();
