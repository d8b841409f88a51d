import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Element } from 'hast';
import { fromHtml } from 'hast-util-from-html';

const require = createRequire(import.meta.url);

/** The folder of Lucide's SVG icons (lucide-static, ISC licence). */
const ICONS_DIR = path.join(path.dirname(require.resolve('lucide-static/package.json')), 'icons');

/** The pictogram of a part when kit.yml names none: by the part's usual identifiers, else a bookmark. */
const PART_ICONS: Record<string, string> = {
  cles: 'key-round',
  leviers: 'wrench',
  thematiques: 'layout-grid',
  ressources: 'library-big',
};

/** Whether Lucide has an icon of this name (e.g. `wheat`, `bus`, `key-round`). */
export function iconExists(name: string): boolean {
  return /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(name) && existsSync(path.join(ICONS_DIR, `${name}.svg`));
}

/** The pictogram of a part: the one kit.yml gives, else the usual one for its identifier. */
export function partIcon(part: { id: string; pictogram?: string }): string {
  return part.pictogram ?? PART_ICONS[part.id] ?? 'bookmark';
}

const cache = new Map<string, Element>();

/**
 * A Lucide icon as an inline SVG element drawn in the current text colour, decorative (hidden from assistive
 * technologies: its meaning is always written next to it).
 */
export function icon(name: string, className = 'picto'): Element {
  let svg = cache.get(name);
  if (!svg) {
    const text = readFileSync(path.join(ICONS_DIR, `${name}.svg`), 'utf8');
    const tree = fromHtml(text, { fragment: true });
    const found = tree.children.find((c): c is Element => c.type === 'element' && c.tagName === 'svg');
    if (!found) throw new Error(`pictogramme « ${name} » illisible`);
    svg = found;
    cache.set(name, svg);
  }
  const copy = structuredClone(svg);
  copy.properties = { ...copy.properties, className: [className], width: undefined, height: undefined, ariaHidden: 'true', focusable: 'false' };
  return copy;
}
