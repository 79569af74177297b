/**
 * Parser for oslo.policy's rule language, the check strings Keystone, Nova and Neutron ship as defaults and operators
 * override in policy files: `@`, `!`, `role:x`, `rule:x`, `<creds key>:<match>`, `and`, `or`, `not`, parentheses.
 *
 * The tokenizer follows oslo's: split on whitespace, then peel `(` off the front and `)` off the back of each word, so
 * `(role:admin)` and `( role:admin )` tokenize alike and a match such as `%(project_id)s` keeps its inner parentheses.
 * Precedence is oslo's too: `not` binds tighter than `and`, which binds tighter than `or`.
 *
 * Where oslo logs a malformed rule and quietly denies, we throw `PolicyParseError` at load time: a typo in a policy
 * file should stop startup, not surface later as unexplained 403s.
 */

/** A `%(key)s` hole in a match, resolved against the target; `path` is `key` split on dots. */
export interface Substitution {
  readonly key: string;
  readonly path: readonly string[];
}

/** Match text: a plain string when it has no holes, so the common case compares without building a string. */
export type Template = string | readonly (string | Substitution)[];

/** The left side of a generic check: a Python literal (`'member'`, `True`, `1`) or a dotted path into the creds. */
export type CheckSubject =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'creds'; readonly path: readonly string[] };

export type PolicyNode =
  | { readonly kind: 'always' }
  | { readonly kind: 'never' }
  /** `role` is already lower-cased when it has no substitution. */
  | { readonly kind: 'role'; readonly role: Template }
  | { readonly kind: 'rule'; readonly name: string }
  | { readonly kind: 'generic'; readonly subject: CheckSubject; readonly match: Template }
  | { readonly kind: 'not'; readonly operand: PolicyNode }
  | { readonly kind: 'and'; readonly operands: readonly PolicyNode[] }
  | { readonly kind: 'or'; readonly operands: readonly PolicyNode[] };

export class PolicyParseError extends Error {
  readonly rule: string;
  readonly check: string;
  constructor(rule: string, check: string, problem: string) {
    super(`Policy rule "${rule}" has a syntax error: ${problem} (in ${JSON.stringify(check)})`);
    this.name = 'PolicyParseError';
    this.rule = rule;
    this.check = check;
  }
}

const ALWAYS: PolicyNode = { kind: 'always' };
const NEVER: PolicyNode = { kind: 'never' };

type Token = { readonly type: '(' | ')' | 'and' | 'or' | 'not' } | { readonly type: 'check'; readonly text: string };

/** Parses one check string; `ruleName` only labels errors. An empty or blank string always passes, as in oslo. */
export function parseCheck(check: string, ruleName = '<anonymous>'): PolicyNode {
  const fail = (problem: string): never => {
    throw new PolicyParseError(ruleName, check, problem);
  };
  const tokens = tokenize(check, fail);
  if (tokens.length === 0) return ALWAYS;
  let pos = 0;

  const parseOr = (): PolicyNode => {
    const operands = [parseAnd()];
    while (tokens[pos]?.type === 'or') {
      pos++;
      operands.push(parseAnd());
    }
    return operands.length === 1 ? operands[0] : { kind: 'or', operands };
  };
  const parseAnd = (): PolicyNode => {
    const operands = [parseUnary()];
    while (tokens[pos]?.type === 'and') {
      pos++;
      operands.push(parseUnary());
    }
    return operands.length === 1 ? operands[0] : { kind: 'and', operands };
  };
  const parseUnary = (): PolicyNode => {
    const token = tokens[pos++];
    if (token === undefined) return fail('the expression ends where a check was expected');
    if (token.type === 'not') return { kind: 'not', operand: parseUnary() };
    if (token.type === 'check') return parseSingleCheck(token.text, fail);
    if (token.type === '(') {
      const inner = parseOr();
      if (tokens[pos]?.type !== ')') return fail('missing ")"');
      pos++;
      return inner;
    }
    return fail(`unexpected "${token.type}" where a check was expected`);
  };

  const root = parseOr();
  if (pos < tokens.length) {
    const extra = tokens[pos];
    fail(`unexpected "${extra.type === 'check' ? extra.text : extra.type}" after a complete expression`);
  }
  return root;
}

function tokenize(check: string, fail: (problem: string) => never): Token[] {
  const tokens: Token[] = [];
  for (const word of check.split(/\s+/)) {
    if (word === '') continue;
    let start = 0;
    while (start < word.length && word[start] === '(') {
      tokens.push({ type: '(' });
      start++;
    }
    let end = word.length;
    while (end > start && word[end - 1] === ')') end--;
    const text = word.slice(start, end);
    const lowered = text.toLowerCase();
    if (lowered === 'and' || lowered === 'or' || lowered === 'not') tokens.push({ type: lowered });
    else if (text !== '') {
      if (isQuoted(text)) fail(`a bare quoted string ${text} is not a check`);
      tokens.push({ type: 'check', text });
    }
    for (let i = end; i < word.length; i++) tokens.push({ type: ')' });
  }
  return tokens;
}

function parseSingleCheck(text: string, fail: (problem: string) => never): PolicyNode {
  if (text === '@') return ALWAYS;
  if (text === '!') return NEVER;
  const colon = text.indexOf(':');
  if (colon < 0) return fail(`"${text}" is not a check (expected "@", "!" or "kind:match")`);
  const kind = text.slice(0, colon);
  const match = parseTemplate(text.slice(colon + 1), fail);
  if (kind === 'rule') {
    if (typeof match !== 'string' || match === '') return fail(`"${text}" must name a rule`);
    return { kind: 'rule', name: match };
  }
  if (kind === 'role') return { kind: 'role', role: typeof match === 'string' ? match.toLowerCase() : match };
  // oslo also registers http/https checks (ask a remote server); Strata never makes a network call to authorize.
  if (kind === 'http' || kind === 'https') return fail(`"${kind}:" checks are not supported`);
  if (kind === '') return fail(`"${text}" has nothing before ":"`);
  return { kind: 'generic', subject: parseSubject(kind), match };
}

/** oslo tries `ast.literal_eval` on the left side first; these are the literal forms policy files actually use. */
function parseSubject(kind: string): CheckSubject {
  if (isQuoted(kind)) return { kind: 'literal', value: kind.slice(1, -1) };
  if (kind === 'True' || kind === 'False' || kind === 'None') return { kind: 'literal', value: kind };
  if (/^-?(0|[1-9][0-9]*)$/.test(kind)) return { kind: 'literal', value: kind };
  return { kind: 'creds', path: kind.split('.') };
}

function isQuoted(text: string): boolean {
  const first = text[0];
  return text.length >= 2 && (first === "'" || first === '"') && text[text.length - 1] === first;
}

/** Python %-formatting with a mapping, limited to the `%(key)s` and `%%` forms policy strings use. */
function parseTemplate(match: string, fail: (problem: string) => never): Template {
  if (!match.includes('%')) return match;
  const parts: (string | Substitution)[] = [];
  let literal = '';
  let i = 0;
  while (i < match.length) {
    const c = match[i];
    if (c !== '%') {
      literal += c;
      i++;
      continue;
    }
    if (match[i + 1] === '%') {
      literal += '%';
      i += 2;
      continue;
    }
    if (match[i + 1] !== '(') return fail(`"%" in "${match}" must start "%(key)s" or be doubled`);
    // Python allows balanced parentheses inside the key, so count them rather than stop at the first ")".
    let depth = 1;
    let j = i + 2;
    for (; j < match.length && depth > 0; j++) {
      if (match[j] === '(') depth++;
      else if (match[j] === ')') depth--;
    }
    if (depth > 0 || match[j] !== 's') return fail(`"${match}" has a substitution that is not of the form "%(key)s"`);
    const key = match.slice(i + 2, j - 1);
    if (literal !== '') parts.push(literal);
    literal = '';
    parts.push({ key, path: key.split('.') });
    i = j + 1;
  }
  if (literal !== '') parts.push(literal);
  return parts.length === 1 && typeof parts[0] === 'string' ? parts[0] : parts;
}
