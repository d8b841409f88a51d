declare module 'hyphen/fr/index.js' {
  /** Options of the hyphen package's French hyphenator. */
  export interface HyphenOptions {
    hyphenChar?: string;
    minWordLength?: number;
    debug?: boolean;
    exceptions?: string[];
  }
  const hyphenFr: { hyphenateSync(text: string, options?: HyphenOptions): string };
  export default hyphenFr;
}
