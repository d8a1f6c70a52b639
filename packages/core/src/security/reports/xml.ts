// XML 1.0's Char production allows tab, LF and CR among the control characters and nothing else below 0x20.
// eslint-disable-next-line no-control-regex -- naming those control characters is the point of this pattern
const NOT_XML_CHAR = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escape text for XML attributes and content, dropping characters XML 1.0 cannot carry at all. */
export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML_CHAR, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
