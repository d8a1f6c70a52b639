/**
 * A small strict XML parser for tests: enough to prove the JUnit output is well-formed (one root, balanced and
 * properly nested tags, quoted attributes, only the five predefined entities or character references) and to
 * read it back. It throws on anything malformed.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9._:-]*/;

export function parseXml(xml: string): XmlElement {
  let pos = 0;
  const fail = (why: string): never => {
    throw new Error(`malformed XML at ${pos}: ${why}`);
  };
  const skipSpace = (): void => {
    while (pos < xml.length && /\s/.test(xml[pos])) pos++;
  };
  const decode = (text: string): string => {
    return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);|&/g, (whole, entity: string | undefined) => {
      if (entity === undefined) return fail('bare & in text');
      if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
      if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
      const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
      return named[entity] ?? fail(`unknown entity ${whole}`);
    });
  };
  const parseElement = (): XmlElement => {
    if (xml[pos] !== '<') fail('expected <');
    pos++;
    const name = NAME.exec(xml.slice(pos))?.[0] ?? fail('expected a tag name');
    pos += name.length;
    const element: XmlElement = { name, attributes: {}, children: [], text: '' };
    for (;;) {
      skipSpace();
      if (xml.startsWith('/>', pos)) {
        pos += 2;
        return element;
      }
      if (xml[pos] === '>') {
        pos++;
        break;
      }
      const attr = NAME.exec(xml.slice(pos))?.[0] ?? fail('expected an attribute name');
      pos += attr.length;
      if (xml[pos] !== '=' || xml[pos + 1] !== '"') fail('attribute value must be double-quoted');
      pos += 2;
      const end = xml.indexOf('"', pos);
      if (end < 0) fail('unterminated attribute');
      const raw = xml.slice(pos, end);
      if (raw.includes('<')) fail('< in attribute value');
      if (attr in element.attributes) fail(`duplicate attribute ${attr}`);
      element.attributes[attr] = decode(raw);
      pos = end + 1;
    }
    for (;;) {
      const next = xml.indexOf('<', pos);
      if (next < 0) fail(`unclosed <${name}>`);
      element.text += decode(xml.slice(pos, next));
      pos = next;
      if (xml.startsWith(`</`, pos)) {
        pos += 2;
        const closing = NAME.exec(xml.slice(pos))?.[0];
        if (closing !== name) fail(`</${closing ?? ''}> closes <${name}>`);
        pos += name.length;
        skipSpace();
        if (xml[pos] !== '>') fail('expected >');
        pos++;
        return element;
      }
      element.children.push(parseElement());
    }
  };
  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>');
    if (end < 0) fail('unterminated declaration');
    pos = end + 2;
  }
  skipSpace();
  const root = parseElement();
  skipSpace();
  if (pos !== xml.length) fail('content after the root element');
  return root;
}

export function descendants(element: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const child of element.children) {
    if (child.name === name) out.push(child);
    out.push(...descendants(child, name));
  }
  return out;
}
