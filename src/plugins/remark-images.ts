import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Definition, Image, ImageReference, Root } from 'mdast';
import type { VFile } from 'vfile';
import { visit } from 'unist-util-visit';
import type { ImageRef } from '../model.js';
import { diagnose } from './diagnose.js';

const IMAGE_TYPES = /\.(svg|png|jpe?g|webp)$/i;

function decodePath(url: string): string {
  try {
    return decodeURI(url);
  } catch {
    // A lone « % » (« 100%.svg ») is not an escape: take the name as written.
    return url;
  }
}

/**
 * Checks every image: a file of the kit's own folder (SVG or raster) with alt text.
 * The image's title, if any, becomes its caption; the render stage serves it under /kit/.
 * Reference-style images (`![Carte][c]` with `[c]: carte.svg`) are checked at the image, with their definition's address.
 */
export default function remarkImages() {
  return (tree: Root, file: VFile) => {
    const images: ImageRef[] = [];
    const kitDir = path.dirname(file.path);
    // The first definition of a label wins, as in CommonMark; keep its address as written.
    const definitions = new Map<string, { node: Definition; url: string }>();
    visit(tree, 'definition', (node) => {
      if (!definitions.has(node.identifier)) definitions.set(node.identifier, { node, url: node.url });
    });

    /** Checks one image at `url`; returns the address the render stage serves it under, or nothing. */
    const check = (node: Image | ImageReference, url: string): string | undefined => {
      const start = node.position?.start ?? { line: 1, column: 1 };
      if (!node.alt || node.alt.trim() === '') {
        diagnose(file, node, `image « ${url} » sans texte alternatif : une description entre crochets est attendue, ex. « ![Carte des PTCE](carte.svg) »`, 'image-sans-alt');
      }
      if (/^[a-z]+:/i.test(url) || path.isAbsolute(url)) {
        diagnose(file, node, `image « ${url} » hors du kit : un fichier du dossier du kit est attendu (chemin relatif)`, 'image-externe');
        return undefined;
      }
      const absPath = path.resolve(kitDir, decodePath(url));
      if (!absPath.startsWith(kitDir + path.sep)) {
        diagnose(file, node, `image « ${url} » hors du dossier du kit : un fichier de ${path.basename(kitDir)}/ est attendu`, 'image-externe');
        return undefined;
      }
      if (!IMAGE_TYPES.test(absPath)) {
        diagnose(file, node, `image « ${url} » d'un format inattendu : SVG, PNG, JPEG ou WebP est attendu`, 'image-format');
        return undefined;
      }
      if (!existsSync(absPath)) {
        diagnose(file, node, `image « ${url} » introuvable : le fichier ${path.relative(process.cwd(), absPath)} est attendu`, 'image-introuvable');
        return undefined;
      }
      const rel = path.relative(kitDir, absPath).split(path.sep).join('/');
      images.push({ src: rel, absPath, line: start.line, column: start.column });
      return `/kit/${rel}`;
    };

    visit(tree, (node) => {
      if (node.type === 'image') {
        const served = check(node, node.url);
        if (served) node.url = served;
      } else if (node.type === 'imageReference') {
        // Without a definition, Markdown prints the brackets as text: there is no image to check.
        const definition = definitions.get(node.identifier);
        if (!definition) return;
        const served = check(node, definition.url);
        if (served) definition.node.url = served;
      }
    });
    file.data.images = images;
  };
}

declare module 'vfile' {
  interface DataMap {
    images: ImageRef[];
  }
}
