/** Paths into a transcript, as findings name them (`messages[3].text`), rendered only when a finding needs one. */

export interface PathNode {
  readonly parent: PathNode | undefined;
  readonly key: string | number;
}
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function child(parent: PathNode | undefined, key: string | number): PathNode {
  return { parent, key };
}

export function renderPath(node: PathNode | undefined, root = ''): string {
  const keys: (string | number)[] = [];
  for (let at = node; at; at = at.parent) keys.push(at.key);
  let text = root;
  for (let index = keys.length - 1; index >= 0; index--) {
    const key = keys[index] ?? '';
    if (typeof key === 'number') text += `[${key}]`;
    else if (IDENTIFIER.test(key)) text += text === '' ? key : `.${key}`;
    else text += `[${JSON.stringify(key)}]`;
  }
  return text;
}
