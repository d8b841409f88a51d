/** The document information every PDF carries. */
export interface PdfMeta {
  title: string;
  author: string;
  subject: string;
  keywords: string[];
  /** Creation and modification date: fixed, so that builds are reproducible. */
  date: Date;
  producer: string;
  /** BCP 47 language of the document; fr-FR when not given. */
  lang?: string;
}
