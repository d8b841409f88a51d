/** The XMP metadata packet kitess writes into every PDF (ISO 16684-1; PDF/UA-1, 5 and 7.1). */

/** What the packet says about the document. */
export interface XmpFields {
  title: string;
  author: string;
  subject: string;
  keywords: string[];
  /** BCP 47 language of the document, e.g. fr-FR. */
  lang: string;
  producer: string;
  creatorTool: string;
  date: Date;
  /** Whether the document claims PDF/UA-1 (only once the checker passed). */
  pdfua: boolean;
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function xmpDate(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** The packet as XML text (UTF-8), with the padding that lets a tool rewrite it in place. */
export function xmpPacket(f: XmpFields): string {
  const lang = escapeXml(f.lang);
  const alt = (value: string) => `<rdf:Alt><rdf:li xml:lang="x-default">${escapeXml(value)}</rdf:li><rdf:li xml:lang="${lang}">${escapeXml(value)}</rdf:li></rdf:Alt>`;
  const lines = [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '  <rdf:Description rdf:about=""',
    '    xmlns:dc="http://purl.org/dc/elements/1.1/"',
    '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"',
    '    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"',
    ...(f.pdfua ? ['    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"'] : []),
    '  >',
    `   <dc:format>application/pdf</dc:format>`,
    `   <dc:title>${alt(f.title)}</dc:title>`,
    `   <dc:creator><rdf:Seq><rdf:li>${escapeXml(f.author)}</rdf:li></rdf:Seq></dc:creator>`,
    `   <dc:description>${alt(f.subject)}</dc:description>`,
    `   <dc:language><rdf:Bag><rdf:li>${lang}</rdf:li></rdf:Bag></dc:language>`,
    `   <dc:subject><rdf:Bag>${f.keywords.map((k) => `<rdf:li>${escapeXml(k)}</rdf:li>`).join('')}</rdf:Bag></dc:subject>`,
    `   <pdf:Producer>${escapeXml(f.producer)}</pdf:Producer>`,
    `   <pdf:Keywords>${escapeXml(f.keywords.join(', '))}</pdf:Keywords>`,
    `   <xmp:CreatorTool>${escapeXml(f.creatorTool)}</xmp:CreatorTool>`,
    `   <xmp:CreateDate>${xmpDate(f.date)}</xmp:CreateDate>`,
    `   <xmp:ModifyDate>${xmpDate(f.date)}</xmp:ModifyDate>`,
    `   <xmp:MetadataDate>${xmpDate(f.date)}</xmp:MetadataDate>`,
    ...(f.pdfua ? ['   <pdfuaid:part>1</pdfuaid:part>'] : []),
    '  </rdf:Description>',
    ' </rdf:RDF>',
    '</x:xmpmeta>',
    '<?xpacket end="w"?>',
  ];
  return lines.join('\n');
}

/** What a checker needs from a packet: its title, whether it claims PDF/UA-1, and its language. */
export function readXmp(xml: string): { title?: string; pdfuaPart?: string; language?: string } {
  const title = /<dc:title>\s*<rdf:Alt>\s*<rdf:li[^>]*>([^<]*)<\/rdf:li>/.exec(xml)?.[1];
  const part = /<pdfuaid:part>\s*(\d+)\s*<\/pdfuaid:part>/.exec(xml)?.[1] ?? /pdfuaid:part="(\d+)"/.exec(xml)?.[1];
  const language = /<dc:language>\s*<rdf:Bag>\s*<rdf:li>([^<]*)<\/rdf:li>/.exec(xml)?.[1];
  return { ...(title !== undefined ? { title } : {}), ...(part !== undefined ? { pdfuaPart: part } : {}), ...(language !== undefined ? { language } : {}) };
}
