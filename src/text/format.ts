import { Remembered } from '../remembered.js';

const dateFormat = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const monthFormat = new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** `2026-11-20` → `20 novembre 2026`; the first of the month is written `1er`. */
export function frenchDate(iso: string): string {
  return dateFormat.format(new Date(`${iso}T00:00:00Z`)).replace(/^1 /, '1er ');
}

const months = new Remembered<string, string>(256);

/** `2026-12-01` → `décembre 2026` (remembered: every stamped footer names its edition's month). */
export function frenchMonth(iso: string): string {
  return months.get(iso, () => monthFormat.format(new Date(`${iso}T00:00:00Z`)));
}

/** The edition line printed on covers and footers, e.g. `Édition n° 1 · décembre 2026`. */
export function editionLabel(edition: { number: number; date: string }): string {
  return `Édition n°\u00A0${edition.number} · ${frenchMonth(edition.date)}`;
}

/** A CSS string literal, escaped so any text can go into `content:`. */
export function cssString(text: string): string {
  return `"${[...text].map((c) => (/["\\\n\r]/.test(c) || c.charCodeAt(0) < 0x20 ? `\\${c.charCodeAt(0).toString(16)} ` : c)).join('')}"`;
}

/** A file's size as the pages show it: `312\u00A0Ko`, `1,4\u00A0Mo`. */
export function fileSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))}\u00A0Ko`;
  return `${(bytes / 1024 / 1024).toLocaleString('fr-FR', { maximumFractionDigits: 1 })}\u00A0Mo`;
}

/** A number of pages: `1\u00A0page`, `2\u00A0pages`. */
export function pageCount(n: number): string {
  return `${n}\u00A0page${n > 1 ? 's' : ''}`;
}
