import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { evaluate, type RuleLookup } from './evaluate.ts';
import { type PolicyNode, parseCheck } from './parse.ts';

/** A default policy rule, named as OpenStack names it (`identity:get_user`, `admin_required`). */
export interface PolicyRule {
  name: string;
  /** oslo.policy check string; see `parse.ts` for the language. */
  check: string;
  description?: string;
  /** Documentation only: Strata runs as OpenStack does with `enforce_scope = false`. */
  scopeTypes?: ('system' | 'domain' | 'project')[];
  operations?: { method: string; path: string }[];
}

interface CompiledRule {
  readonly node: PolicyNode;
  /** Set while this rule is on the evaluation stack, so a reference cycle reads as a denial instead of recursing. */
  active: boolean;
}

/**
 * Answers "may these credentials perform this action on this target?" from default rules plus operator overrides.
 * Every check string is parsed once, here; `authorize` only walks the cached trees.
 *
 * Conventions for `target` and `creds` are in `evaluate.ts`. Denials are silent `false`s: an unknown action name, a
 * `rule:` reference to a rule that does not exist, and a reference back into a rule already being evaluated.
 */
export class Enforcer {
  readonly #rules = new Map<string, CompiledRule>();
  readonly #lookup: RuleLookup = (name, target, creds) => this.authorize(name, target, creds);

  /** Throws `PolicyParseError` naming the first rule whose check string does not parse. */
  constructor(defaults: readonly PolicyRule[], overrides: Readonly<Record<string, string>> = {}) {
    for (const rule of defaults) this.#rules.set(rule.name, { node: parseCheck(rule.check, rule.name), active: false });
    // An override replaces the default's whole check; oslo does not combine it with the default or a deprecated rule.
    for (const [name, check] of Object.entries(overrides)) {
      this.#rules.set(name, { node: parseCheck(check, name), active: false });
    }
  }

  /**
   * Loads overrides from an oslo-style policy file (`policy.yaml`, or `policy.json` for the older format): a mapping
   * of rule name to check string. No path, or a file that does not exist, means the defaults alone, as in oslo.
   */
  static async fromFile(defaults: readonly PolicyRule[], path?: string): Promise<Enforcer> {
    if (path === undefined || path === '') return new Enforcer(defaults);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Enforcer(defaults);
      throw err;
    }
    return new Enforcer(defaults, parseOverrides(text, path));
  }

  has(ruleName: string): boolean {
    return this.#rules.has(ruleName);
  }

  authorize(ruleName: string, target: object, creds: object): boolean {
    const rule = this.#rules.get(ruleName);
    if (rule === undefined || rule.active) return false;
    rule.active = true;
    try {
      return evaluate(rule.node, target, creds, this.#lookup);
    } finally {
      rule.active = false;
    }
  }
}

function parseOverrides(text: string, path: string): Record<string, string> {
  let data: unknown;
  try {
    data = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new Error(`Policy file ${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}`, { cause: err });
  }
  // A file holding only comments is how operators keep an "all defaults" policy.yaml around.
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new Error(`Policy file ${path} must be a mapping of rule name to check string`);
  }
  const overrides: Record<string, string> = {};
  for (const [name, check] of Object.entries(data)) {
    if (typeof check !== 'string') {
      throw new Error(`Policy file ${path}: rule "${name}" must be a check string, not ${JSON.stringify(check)}`);
    }
    overrides[name] = check;
  }
  return overrides;
}
