import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { Element, ElementContent, Root } from 'hast';
import { toString } from 'hast-util-to-string';
import { UsageError } from './errors.js';
import type { Fiche } from './model.js';
import type { Manifest } from './pipeline/publish.js';
import { prepareKits } from './prepare.js';
import { listKits } from './pipeline/load.js';

export type { FicheDigest, KitChanges } from './model.js';
import type { FicheDigest, KitChanges } from './model.js';

const HEAD = 'En-tête (titre et résumé)';
const SOURCES = 'Sources';

function textHash(text: string): string {
  return createHash('sha256').update(text.replace(/[\u00AD]/g, '').replace(/\s+/g, ' ').trim()).digest('hex').slice(0, 16);
}

/** Splits a fiche into its head, its `##` sections (boxes included) and its sources, each hashed. */
export function digestFiche(fiche: Fiche): FicheDigest {
  const sections: { title: string; nodes: ElementContent[] }[] = [{ title: 'Introduction', nodes: [] }];
  for (const node of (fiche.body as Root).children) {
    if (node.type === 'element' && (node as Element).tagName === 'h2') sections.push({ title: toString(node).replace(/\u00AD/g, ''), nodes: [] });
    else sections[sections.length - 1]!.nodes.push(node as ElementContent);
  }
  return {
    number: fiche.number,
    title: fiche.meta.title,
    sections: [
      { title: HEAD, hash: textHash(`${fiche.meta.title}\n${fiche.meta.summary}`) },
      ...sections
        .filter((s) => s.title !== 'Introduction' || s.nodes.some((n) => toString(n as Element).trim() !== ''))
        .map((s) => ({ title: s.title, hash: textHash(s.nodes.map((n) => toString(n as Element)).join('\n')) })),
      { title: SOURCES, hash: textHash(fiche.meta.sources.map((s) => `${s.title} ${s.url ?? ''}`).join('\n')) },
    ],
  };
}

/** Compares two editions of a kit: fiches added, removed, and changed with the names of the changed sections. */
export function compareKit(kit: string, previous: FicheDigest[], current: FicheDigest[]): KitChanges {
  const before = new Map(previous.map((f) => [f.number, f]));
  const after = new Map(current.map((f) => [f.number, f]));
  const changes: KitChanges = { kit, added: [], removed: [], changed: [] };
  for (const f of current) if (!before.has(f.number)) changes.added.push({ number: f.number, title: f.title });
  for (const f of previous) if (!after.has(f.number)) changes.removed.push({ number: f.number, title: f.title });
  for (const f of current) {
    const old = before.get(f.number);
    if (!old) continue;
    const oldSections = new Map(old.sections.map((s) => [s.title, s.hash]));
    const newTitles = new Set(f.sections.map((s) => s.title));
    const sections = [
      ...f.sections.filter((s) => oldSections.get(s.title) !== s.hash).map((s) => s.title),
      ...old.sections.filter((s) => !newTitles.has(s.title)).map((s) => `${s.title} (retirée)`),
    ];
    if (sections.length > 0) changes.changed.push({ number: f.number, title: f.title, sections });
  }
  return changes;
}

/** Whether a kit has any change to report. */
export function hasChanges(c: KitChanges): boolean {
  return c.added.length + c.removed.length + c.changed.length > 0;
}

/** Digests of the fiches of every kit in a sheets folder. */
export async function digestSheets(sheetsDir: string): Promise<Map<string, FicheDigest[]>> {
  const ids = await listKits(sheetsDir);
  const { kits } = await prepareKits(sheetsDir, ids);
  return new Map(kits.map((k) => [k.id, k.fiches.map(digestFiche)]));
}

/**
 * Reads the previous edition: a manifest.json written by an earlier build, or a git ref whose sheets/
 * folder is read from the repository.
 */
export async function loadPrevious(ref: string, repoDir: string): Promise<{ label: string; kits: Map<string, FicheDigest[]> }> {
  if (existsSync(ref) && ref.endsWith('.json')) {
    const manifest = JSON.parse(readFileSync(ref, 'utf8')) as Manifest;
    return {
      label: `${path.basename(ref)}`,
      kits: new Map(manifest.kits.map((k) => [k.id, k.fiches.filter((f) => f.sections).map((f) => ({ number: f.number, title: f.title, sections: f.sections! }))])),
    };
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'kitess-changelog-'));
  try {
    let top: string;
    try {
      top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: repoDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      const rel = path.relative(top, repoDir) || '.';
      const tar = execFileSync('git', ['archive', '--format=tar', ref, '--', rel], { cwd: top, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 512 * 1024 * 1024 });
      execFileSync('tar', ['-x', '-C', tmp], { input: tar });
      return { label: ref, kits: await digestSheets(path.join(tmp, rel)) };
    } catch {
      throw new UsageError(`« ${ref} » n'est ni un manifeste (manifest.json) ni une référence git connue : l'édition précédente est attendue, ex. « dist/manifest.json » ou « v1 »`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The changes of every current kit against a previous edition. */
export async function changesSince(ref: string, sheetsDir: string): Promise<{ label: string; changes: KitChanges[] }> {
  const previous = await loadPrevious(ref, sheetsDir);
  const current = await digestSheets(sheetsDir);
  return { label: previous.label, changes: [...current].map(([kit, digests]) => compareKit(kit, previous.kits.get(kit) ?? [], digests)) };
}

/** The changes as French text, one block per kit. */
export function formatChanges(label: string, changes: KitChanges[]): string {
  const lines = [`Changements depuis ${label} :`];
  for (const c of changes) {
    lines.push('', `${c.kit}${hasChanges(c) ? '' : ' : aucun changement'}`);
    for (const f of c.added) lines.push(`  + fiche ${f.number} « ${f.title} » (nouvelle)`);
    for (const f of c.removed) lines.push(`  - fiche ${f.number} « ${f.title} » (retirée)`);
    for (const f of c.changed) lines.push(`  ~ fiche ${f.number} « ${f.title} » : ${f.sections.join(', ')}`);
  }
  return lines.join('\n');
}
