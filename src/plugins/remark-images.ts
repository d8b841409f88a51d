import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Root } from 'mdast';
import type { VFile } from 'vfile';
import { visit } from 'unist-util-visit';
import type { ImageRef } from '../model.js';
import { diagnose } from './diagnose.js';

const IMAGE_TYPES = /\.(svg|png|jpe?g|webp)$/i;

/**
 * Checks every image: a file of the kit's own folder (SVG or raster) with alt text.
 * The image's title, if any, becomes its caption; the render stage serves it under /kit/.
 */
export default function remarkImages() {
  return (tree: Root, file: VFile) => {
    const images: ImageRef[] = [];
    const kitDir = path.dirname(file.path);
    visit(tree, 'image', (node) => {
      const start = node.position?.start ?? { line: 1, column: 1 };
      if (!node.alt || node.alt.trim() === '') {
        diagnose(file, node, `image « ${node.url} » sans texte alternatif : une description entre crochets est attendue, ex. « ![Carte des PTCE](carte.svg) »`, 'image-sans-alt');
      }
      if (/^[a-z]+:/i.test(node.url) || path.isAbsolute(node.url)) {
        diagnose(file, node, `image « ${node.url} » hors du kit : un fichier du dossier du kit est attendu (chemin relatif)`, 'image-externe');
        return;
      }
      const absPath = path.resolve(kitDir, decodeURI(node.url));
      if (!absPath.startsWith(kitDir + path.sep)) {
        diagnose(file, node, `image « ${node.url} » hors du dossier du kit : un fichier de ${path.basename(kitDir)}/ est attendu`, 'image-externe');
        return;
      }
      if (!IMAGE_TYPES.test(absPath)) {
        diagnose(file, node, `image « ${node.url} » d'un format inattendu : SVG, PNG, JPEG ou WebP est attendu`, 'image-format');
        return;
      }
      if (!existsSync(absPath)) {
        diagnose(file, node, `image « ${node.url} » introuvable : le fichier ${path.relative(process.cwd(), absPath)} est attendu`, 'image-introuvable');
        return;
      }
      const rel = path.relative(kitDir, absPath).split(path.sep).join('/');
      images.push({ src: rel, absPath, line: start.line, column: start.column });
      node.url = `/kit/${rel}`;
    });
    file.data.images = images;
  };
}

declare module 'vfile' {
  interface DataMap {
    images: ImageRef[];
  }
}
