// kitess — search of the web edition, on the download page (dist/index.html), with Pagefind's index (dist/pagefind/).
// A classic script, not a module: opened from disk (file://), browsers refuse to load modules and the index, and this
// script can still say so. The search box stays hidden until the index is ready, so that without JavaScript, or where
// the index cannot be loaded, the page is the plain list of kits and fiches.
(function () {
  'use strict';
  var script = document.currentScript;
  var MAX = 20;

  function start() {
    var section = document.getElementById('recherche');
    if (!section || !script) return;
    var form = section.querySelector('form');
    var input = document.getElementById('recherche-mots');
    var status = document.getElementById('recherche-etat');
    var list = document.getElementById('recherche-resultats');
    var root = new URL('../', script.src);

    function unavailable() {
      section.hidden = false;
      form.hidden = true;
      status.textContent =
        location.protocol === 'file:'
          ? 'La recherche ne fonctionne pas quand la page est ouverte depuis le disque : votre navigateur refuse d’y charger l’index. Les fiches restent toutes listées ci-dessous (Ctrl+F cherche dans cette page), et la recherche marche dès que le dossier est publié sur un site web.'
          : 'La recherche n’a pas pu être chargée. Toutes les fiches restent listées ci-dessous.';
    }

    // The index was given straight apostrophes (Pagefind cuts words there): they are shown curly again, as in the fiches.
    function curly(text) {
      return text.replace(/'/g, '\u2019');
    }

    // An excerpt from Pagefind: text with <mark> around the words found. Only text and marks are kept.
    function excerpt(html) {
      var template = document.createElement('template');
      template.innerHTML = html;
      var p = document.createElement('p');
      p.className = 'search-excerpt';
      template.content.childNodes.forEach(function (node) {
        var text = curly(node.textContent || '');
        if (node.nodeName === 'MARK') {
          var mark = document.createElement('mark');
          mark.textContent = text;
          p.append(mark);
        } else p.append(text);
      });
      return p;
    }

    function item(data) {
      var li = document.createElement('li');
      var a = document.createElement('a');
      // Pagefind gives the page's path from the site's root (« /communes/commande-publique/index.html »); the
      // download page is at that root, so the link is relative and works under any address.
      a.href = new URL(data.url.replace(/^\/+/, ''), root).href;
      a.textContent = curly((data.meta && data.meta.title) || data.url);
      li.append(a);
      if (data.meta && data.meta.kit) {
        var kit = document.createElement('span');
        kit.className = 'search-kit';
        kit.textContent = ' — ' + curly(data.meta.kit);
        li.append(kit);
      }
      li.append(excerpt(data.excerpt || ''));
      return li;
    }

    var pagefind;
    var asked = 0;
    async function run() {
      var query = input.value.trim();
      var ticket = ++asked;
      if (query === '') {
        list.replaceChildren();
        status.textContent = '';
        return;
      }
      var search = await pagefind.search(query);
      if (ticket !== asked || !search) return;
      var found = search.results.length;
      var data = await Promise.all(search.results.slice(0, MAX).map(function (r) { return r.data(); }));
      if (ticket !== asked) return;
      list.replaceChildren.apply(list, data.map(item));
      status.textContent =
        found === 0
          ? 'Aucune fiche ne contient « ' + query + ' ».'
          : found === 1
            ? '1 fiche contient « ' + query + ' ».'
            : found + ' fiches contiennent « ' + query + ' »' + (found > MAX ? ', voici les ' + MAX + ' plus proches.' : '.');
    }

    var timer;
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      clearTimeout(timer);
      run();
    });
    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(run, 250);
    });

    import(new URL('pagefind/pagefind.js', root).href)
      .then(async function (module) {
        pagefind = module;
        await pagefind.options({ baseUrl: '/', excerptLength: 24 });
        await pagefind.init();
        section.hidden = false;
        // A link « Rechercher dans les fiches » from a fiche's page, or a shared address with ?q=mot.
        var q = new URLSearchParams(location.search).get('q');
        if (q) {
          input.value = q;
          run();
        }
        if (location.hash === '#recherche' || q) {
          section.scrollIntoView();
          input.focus();
        }
      })
      .catch(unavailable);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
