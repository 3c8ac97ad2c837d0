/**
 * JSON Schema compatibility as Confluent decides it: its JsonSchema diff walks the old schema
 * ("original") and the new one ("update") side by side and names each difference (TYPE_CHANGED,
 * PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL, REQUIRED_ATTRIBUTE_ADDED, MAX_LENGTH_DECREASED, …);
 * the update can read what the original admits when every difference is one of the compatible
 * kinds (Confluent's strict set). Paths are JSON pointers from the root, `#/properties/age`.
 *
 * Schemas are read the way Confluent's loader (everit) reads them: `true`/`{}` admit anything,
 * `false` nothing; `"type": [a, b]` is an anyOf of one schema per type; without `type` the kind
 * follows the keywords (properties → object, items → array, …); `$ref`s are followed (within the
 * document, or into a referenced schema by its reference name, each side in its own references),
 * a pair already being compared counting as compatible so recursive schemas terminate.
 *
 * Not modelled: patternProperties, dependencies, unevaluated*, contains; those keywords do not
 * take part in the verdict here.
 */
import type { ParsedJson } from './json-schema.js';

/** Confluent's COMPATIBLE_CHANGES_STRICT, as far as the differences below go. */
const COMPATIBLE = new Set([
  'ID_CHANGED', 'DESCRIPTION_CHANGED', 'TITLE_CHANGED', 'DEFAULT_CHANGED', 'SCHEMA_REMOVED', 'TYPE_EXTENDED',
  'MAX_LENGTH_INCREASED', 'MAX_LENGTH_REMOVED', 'MIN_LENGTH_DECREASED', 'MIN_LENGTH_REMOVED', 'PATTERN_REMOVED',
  'MAXIMUM_INCREASED', 'MAXIMUM_REMOVED', 'MINIMUM_DECREASED', 'MINIMUM_REMOVED', 'EXCLUSIVE_MAXIMUM_INCREASED',
  'EXCLUSIVE_MAXIMUM_REMOVED', 'EXCLUSIVE_MINIMUM_DECREASED', 'EXCLUSIVE_MINIMUM_REMOVED', 'MULTIPLE_OF_REDUCED', 'MULTIPLE_OF_REMOVED',
  'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED', 'REQUIRED_ATTRIBUTE_REMOVED', 'MAX_PROPERTIES_INCREASED', 'MAX_PROPERTIES_REMOVED',
  'MIN_PROPERTIES_DECREASED', 'MIN_PROPERTIES_REMOVED', 'ADDITIONAL_PROPERTIES_ADDED', 'ADDITIONAL_PROPERTIES_EXTENDED',
  'PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL', 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL',
  'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL', 'PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL', 'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL',
  'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', 'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
  'MAX_ITEMS_INCREASED', 'MAX_ITEMS_REMOVED', 'MIN_ITEMS_DECREASED', 'MIN_ITEMS_REMOVED', 'UNIQUE_ITEMS_REMOVED',
  'ADDITIONAL_ITEMS_ADDED', 'ADDITIONAL_ITEMS_EXTENDED', 'ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL', 'ITEM_ADDED_TO_CLOSED_CONTENT_MODEL',
  'ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL', 'ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL',
  'ENUM_ARRAY_EXTENDED', 'COMBINED_TYPE_EXTENDED', 'PRODUCT_TYPE_NARROWED', 'SUM_TYPE_EXTENDED', 'NOT_TYPE_NARROWED',
]);

interface Difference {
  readonly type: string;
  readonly path: string;
}

type Obj = Record<string, unknown>;
/** A schema node with the document it lives in (for `#/…` pointers). */
interface Node {
  readonly schema: unknown;
  readonly doc: unknown;
  /** The referenced schemas of the side it belongs to, by reference name. */
  readonly refs: ReadonlyMap<string, unknown>;
}

/** Another node of the same document. */
const at = (n: Node, schema: unknown): Node => ({ schema, doc: n.doc, refs: n.refs });

type Kind = 'empty' | 'false' | 'combined' | 'not' | 'enum' | 'const' | 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

class Diff {
  readonly out: Difference[] = [];
  constructor(private readonly path: string[], private readonly onStack: Set<unknown>) {}

  sub(): Diff {
    return new Diff([...this.path], this.onStack);
  }
  compatible(): boolean {
    return this.out.every((d) => COMPATIBLE.has(d.type));
  }
  add(type: string, attribute?: string): void {
    const parts = attribute === undefined ? this.path : [...this.path, attribute];
    this.out.push({ type, path: `#/${parts.join('/')}` });
  }
  within(segment: string, f: () => void): void {
    this.path.push(segment);
    try {
      f();
    } finally {
      this.path.pop();
    }
  }

  resolve(n: Node): Node {
    for (let i = 0; i < 32; i++) {
      const s = n.schema;
      if (s === null || typeof s !== 'object' || typeof (s as Obj)['$ref'] !== 'string') return n;
      const ref = (s as Obj)['$ref'] as string;
      const hash = ref.indexOf('#');
      const file = hash < 0 ? ref : ref.slice(0, hash);
      const pointer = hash < 0 ? '' : ref.slice(hash + 1);
      const doc = file === '' ? n.doc : n.refs.get(file);
      if (doc === undefined) return at(n, true);
      n = { schema: follow(doc, pointer), doc, refs: n.refs };
    }
    return n;
  }

  compare(original: Node | undefined, update: Node | undefined): void {
    if (original === undefined && update === undefined) return;
    if (original === undefined) return this.add('SCHEMA_ADDED');
    if (update === undefined) return this.add('SCHEMA_REMOVED');
    const o = this.resolve(original);
    const u = this.resolve(update);
    if (typeof o.schema === 'object' && typeof u.schema === 'object') {
      const pairKey = [o.schema, u.schema];
      for (const k of this.onStack) if ((k as unknown[])[0] === o.schema && (k as unknown[])[1] === u.schema) return;
      this.onStack.add(pairKey);
      try {
        this.compareTypes(o, u);
      } finally {
        this.onStack.delete(pairKey);
      }
    } else {
      this.compareTypes(o, u);
    }
  }

  private compareTypes(o: Node, u: Node): void {
    const ok = kindOf(o.schema);
    const uk = kindOf(u.schema);
    if (ok !== 'combined' && uk === 'combined') {
      const subs = subschemas(u);
      if (subs.length === 1 || ['anyOf', 'oneOf'].includes(criterion(u.schema))) {
        for (const s of subs) {
          const d = this.sub();
          d.compare(o, s);
          if (d.compatible()) {
            this.out.push(...d.out);
            if (subs.length > 1) this.add('SUM_TYPE_EXTENDED');
            return;
          }
        }
      }
    } else if (ok === 'combined' && uk !== 'combined') {
      const subs = subschemas(o);
      if (subs.length === 1 || criterion(o.schema) === 'allOf') {
        for (const s of subs) {
          const d = this.sub();
          d.compare(s, u);
          if (d.compatible()) {
            this.out.push(...d.out);
            if (subs.length > 1) this.add('PRODUCT_TYPE_NARROWED');
            return;
          }
        }
      }
    }
    if (ok !== uk) {
      if (ok === 'false' || uk === 'empty') return;
      return this.add('TYPE_CHANGED');
    }
    const os = o.schema as Obj;
    const us = u.schema as Obj;
    switch (ok) {
      case 'string':
        return this.compareString(os, us);
      case 'number':
        return this.compareNumber(os, us);
      case 'enum':
        return this.compareEnum(os, us);
      case 'const':
        if (JSON.stringify(os['const']) !== JSON.stringify(us['const'])) this.add('ENUM_ARRAY_CHANGED', 'const');
        return;
      case 'combined':
        return this.compareCombined(o, u);
      case 'not':
        return this.within('not', () => {
          // NotSchemaDiff: the negated schemas compared the other way round.
          const d = this.sub();
          d.compare(at(u, us['not']), at(o, os['not']));
          this.add(d.compatible() ? 'NOT_TYPE_NARROWED' : 'NOT_TYPE_EXTENDED');
        });
      case 'object':
        return this.compareObject(o, u);
      case 'array':
        return this.compareArray(o, u);
      default:
        return;
    }
  }

  private bound(os: Obj, us: Obj, key: string, prefix: string, decreasedIsLess = true): void {
    const a = os[key];
    const b = us[key];
    if (a === b) return;
    if (typeof a !== 'number' && typeof b === 'number') return this.add(`${prefix}_ADDED`, key);
    if (typeof a === 'number' && typeof b !== 'number') return this.add(`${prefix}_REMOVED`, key);
    if (typeof a === 'number' && typeof b === 'number') this.add(`${prefix}_${(a < b) === decreasedIsLess ? 'INCREASED' : 'DECREASED'}`, key);
  }

  private compareString(os: Obj, us: Obj): void {
    this.bound(os, us, 'maxLength', 'MAX_LENGTH');
    this.bound(os, us, 'minLength', 'MIN_LENGTH');
    const a = os['pattern'];
    const b = us['pattern'];
    if (a === undefined && b !== undefined) this.add('PATTERN_ADDED', 'pattern');
    else if (a !== undefined && b === undefined) this.add('PATTERN_REMOVED', 'pattern');
    else if (a !== b) this.add('PATTERN_CHANGED', 'pattern');
  }

  private compareNumber(os: Obj, us: Obj): void {
    this.bound(os, us, 'maximum', 'MAXIMUM');
    this.bound(os, us, 'minimum', 'MINIMUM');
    this.bound(os, us, 'exclusiveMaximum', 'EXCLUSIVE_MAXIMUM');
    this.bound(os, us, 'exclusiveMinimum', 'EXCLUSIVE_MINIMUM');
    const a = os['multipleOf'];
    const b = us['multipleOf'];
    if (a !== b) {
      if (typeof a !== 'number') this.add('MULTIPLE_OF_ADDED', 'multipleOf');
      else if (typeof b !== 'number') this.add('MULTIPLE_OF_REMOVED', 'multipleOf');
      else if (a !== 0 && Number.isInteger(b / a)) this.add('MULTIPLE_OF_EXPANDED', 'multipleOf');
      else if (b !== 0 && Number.isInteger(a / b)) this.add('MULTIPLE_OF_REDUCED', 'multipleOf');
      else this.add('MULTIPLE_OF_CHANGED', 'multipleOf');
    }
    const oi = os['type'] === 'integer';
    const ui = us['type'] === 'integer';
    if (oi !== ui) this.add(oi ? 'TYPE_EXTENDED' : 'TYPE_NARROWED');
  }

  private compareEnum(os: Obj, us: Obj): void {
    const a = (os['enum'] as unknown[]).map((v) => JSON.stringify(v));
    const b = (us['enum'] as unknown[]).map((v) => JSON.stringify(v));
    if (a.length === b.length && a.every((v) => b.includes(v))) return;
    if (a.every((v) => b.includes(v))) this.add('ENUM_ARRAY_EXTENDED', 'enum');
    else if (b.every((v) => a.includes(v))) this.add('ENUM_ARRAY_NARROWED', 'enum');
    else this.add('ENUM_ARRAY_CHANGED', 'enum');
  }

  private compareCombined(o: Node, u: Node): void {
    const oc = criterion(o.schema);
    const uc = criterion(u.schema);
    const os = subschemas(o);
    const us = subschemas(u);
    if (oc !== uc) {
      const extended = uc === 'anyOf' || (os.length === 1 && us.length === 1) || (os.length === 1 && uc === 'oneOf') || (us.length === 1 && oc === 'allOf');
      this.add(extended ? 'COMBINED_TYPE_EXTENDED' : 'COMBINED_TYPE_CHANGED');
      if (!extended) return;
    }
    if (os.length < us.length) this.add(uc === 'allOf' ? 'PRODUCT_TYPE_EXTENDED' : 'SUM_TYPE_EXTENDED');
    else if (os.length > us.length) this.add(oc === 'allOf' ? 'PRODUCT_TYPE_NARROWED' : 'SUM_TYPE_NARROWED');
    // Confluent finds a maximum matching of compatible pairs; a greedy one, first fit, here.
    const used = new Set<number>();
    let matched = 0;
    os.forEach((s, i) => {
      this.within(`${oc}/${i}`, () => {
        for (let j = 0; j < us.length; j++) {
          if (used.has(j)) continue;
          const d = this.sub();
          d.compare(s, us[j]);
          if (d.compatible()) {
            used.add(j);
            matched++;
            this.out.push(...d.out);
            return;
          }
        }
      });
    });
    if (matched < Math.min(os.length, us.length)) this.add('COMBINED_TYPE_SUBSCHEMAS_CHANGED');
  }

  private compareObject(o: Node, u: Node): void {
    const os = o.schema as Obj;
    const us = u.schema as Obj;
    const oProps = props(os);
    const uProps = props(us);
    const oReq = required(os);
    const uReq = required(us);
    this.within('required', () => {
      for (const k of Object.keys(oProps)) {
        if (!(k in uProps)) continue;
        const was = oReq.has(k);
        const is = uReq.has(k);
        if (was && !is) this.add('REQUIRED_ATTRIBUTE_REMOVED', k);
        else if (!was && is) this.add(hasDefault(uProps[k]) ? 'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED' : 'REQUIRED_ATTRIBUTE_ADDED', k);
      }
    });
    this.within('properties', () => {
      for (const k of new Set([...Object.keys(oProps), ...Object.keys(uProps)])) {
        this.within(k, () => this.compareProperty(o, u, k, oProps[k], uProps[k], uReq.has(k)));
      }
    });
    this.within('additionalProperties', () => {
      const a = os['additionalProperties'];
      const b = us['additionalProperties'];
      const aPermits = a !== false;
      const bPermits = b !== false;
      if (aPermits !== bPermits) this.add(bPermits ? 'ADDITIONAL_PROPERTIES_ADDED' : 'ADDITIONAL_PROPERTIES_REMOVED');
      else if (!isSchemaObject(a) && isSchemaObject(b)) this.add('ADDITIONAL_PROPERTIES_NARROWED');
      else if (isSchemaObject(a) && !isSchemaObject(b)) this.add('ADDITIONAL_PROPERTIES_EXTENDED');
      else if (isSchemaObject(a) && isSchemaObject(b)) this.compare(at(o, a), at(u, b));
    });
    this.bound(os, us, 'maxProperties', 'MAX_PROPERTIES');
    this.bound(os, us, 'minProperties', 'MIN_PROPERTIES');
  }

  private compareProperty(o: Node, u: Node, key: string, a: unknown, b: unknown, requiredInUpdate: boolean): void {
    const os = o.schema as Obj;
    const us = u.schema as Obj;
    if (b === undefined) {
      if (isOpen(us)) return this.add('PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL');
      const partial = partialSchema(us);
      if (partial !== undefined) {
        const d = this.sub();
        d.compare(at(o, a), at(u, partial));
        this.out.push(...d.out);
        return this.add(d.compatible() ? 'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL');
      }
      return this.add(a === false ? 'PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL' : 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL');
    }
    if (a === undefined) {
      if (isOpen(os)) {
        if (kindOf(b) === 'empty') return this.add('PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL');
        if (requiredInUpdate) return this.add(hasDefault(b) ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL' : 'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL');
        return this.add('OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL');
      }
      const partial = partialSchema(os);
      if (partial !== undefined) {
        const d = this.sub();
        d.compare(at(o, partial), at(u, b));
        this.out.push(...d.out);
        this.add(d.compatible() ? 'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL');
      }
      if (requiredInUpdate) return this.add(hasDefault(b) ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL' : 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL');
      return this.add('OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL');
    }
    this.compare(at(o, a), at(u, b));
  }

  private compareArray(o: Node, u: Node): void {
    const os = o.schema as Obj;
    const us = u.schema as Obj;
    const oi = os['items'];
    const ui = us['items'];
    this.within('items', () => {
      if (Array.isArray(oi) || Array.isArray(ui)) {
        const a = Array.isArray(oi) ? oi : [];
        const b = Array.isArray(ui) ? ui : [];
        const oOpen = os['additionalItems'] !== false;
        const uOpen = us['additionalItems'] !== false;
        for (let i = 0; i < Math.max(a.length, b.length); i++) {
          this.within(String(i), () => {
            if (i >= a.length) this.add(oOpen ? (kindOf(b[i]) === 'empty' ? 'ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL' : 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL') : 'ITEM_ADDED_TO_CLOSED_CONTENT_MODEL');
            else if (i >= b.length) this.add(uOpen ? 'ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL' : a[i] === false ? 'ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL' : 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL');
            else this.compare(at(o, a[i]), at(u, b[i]));
          });
        }
      } else {
        this.compare(oi === undefined ? undefined : at(o, oi), ui === undefined ? undefined : at(u, ui));
      }
    });
    this.bound(os, us, 'maxItems', 'MAX_ITEMS');
    this.bound(os, us, 'minItems', 'MIN_ITEMS');
    const a = os['uniqueItems'] === true;
    const b = us['uniqueItems'] === true;
    if (a !== b) this.add(a ? 'UNIQUE_ITEMS_REMOVED' : 'UNIQUE_ITEMS_ADDED', 'uniqueItems');
  }
}

const COMBINERS = ['allOf', 'anyOf', 'oneOf'] as const;

function kindOf(s: unknown): Kind {
  if (s === true) return 'empty';
  if (s === false) return 'false';
  if (s === null || typeof s !== 'object') return 'empty';
  const o = s as Obj;
  if (COMBINERS.some((c) => Array.isArray(o[c]))) return 'combined';
  const t = o['type'];
  if (Array.isArray(t)) return t.length === 1 ? kindOfType(t[0]) : 'combined';
  if (Array.isArray(o['enum'])) return 'enum';
  if ('const' in o) return 'const';
  if (typeof t === 'string') return kindOfType(t);
  if ('not' in o) return 'not';
  if (['properties', 'required', 'additionalProperties', 'minProperties', 'maxProperties'].some((k) => k in o)) return 'object';
  if (['items', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems'].some((k) => k in o)) return 'array';
  if (['minLength', 'maxLength', 'pattern'].some((k) => k in o)) return 'string';
  if (['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'].some((k) => k in o)) return 'number';
  return 'empty';
}

function kindOfType(t: unknown): Kind {
  if (t === 'integer' || t === 'number') return 'number';
  if (t === 'string' || t === 'object' || t === 'array' || t === 'boolean' || t === 'null') return t;
  return 'empty';
}

function criterion(s: unknown): string {
  const o = s as Obj;
  return COMBINERS.find((c) => Array.isArray(o[c])) ?? 'anyOf';
}

/** A combined schema's subschemas (a multi-type `type` array: one schema per type). */
function subschemas(n: Node): Node[] {
  const o = n.schema as Obj;
  const c = COMBINERS.find((k) => Array.isArray(o[k]));
  if (c !== undefined) return (o[c] as unknown[]).map((schema) => at(n, schema));
  return (o['type'] as string[]).map((type) => at(n, { ...o, type }));
}

function props(o: Obj): Obj {
  const p = o['properties'];
  return p !== null && typeof p === 'object' ? (p as Obj) : {};
}

function required(o: Obj): Set<string> {
  return new Set(Array.isArray(o['required']) ? (o['required'] as string[]) : []);
}

const hasDefault = (s: unknown): boolean => s !== null && typeof s === 'object' && 'default' in s;
const isSchemaObject = (s: unknown): boolean => s !== null && typeof s === 'object';

/** Fully open: additionalProperties absent or true, and no patternProperties. */
function isOpen(o: Obj): boolean {
  const a = o['additionalProperties'];
  const pattern = o['patternProperties'];
  return (a === undefined || a === true) && (pattern === undefined || Object.keys(pattern as Obj).length === 0);
}

/** The schema a partially open content model gives properties it does not list. */
function partialSchema(o: Obj): unknown {
  const a = o['additionalProperties'];
  return isSchemaObject(a) ? a : undefined;
}

function follow(doc: unknown, pointer: string): unknown {
  let node = doc;
  for (const raw of pointer.split('/').filter((p) => p !== '')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return true;
    node = (node as Obj)[key];
  }
  return node ?? true;
}

/**
 * Confluent's `JsonSchema.isBackwardCompatible`: the differences from `writer` (the original) to
 * `reader` (the update) that are not compatible, in its message format, with `%s` filled in with
 * the reader's and the writer's word.
 */
export function jsonIncompatibilities(reader: ParsedJson, writer: ParsedJson, readerWord: string, writerWord: string): string[] {
  const d = new Diff([], new Set());
  d.compare({ schema: writer.json, doc: writer.json, refs: writer.refs }, { schema: reader.json, doc: reader.json, refs: reader.refs });
  return d.out.filter((x) => !COMPATIBLE.has(x.type)).map((x) => describe(x, readerWord, writerWord));
}

const KEYWORD_ADDED_OR_REMOVED = /^(MAXIMUM|MINIMUM|EXCLUSIVE_MAXIMUM|EXCLUSIVE_MINIMUM|MULTIPLE_OF|MAX_LENGTH|MIN_LENGTH|PATTERN|REQUIRED_ATTRIBUTE|MAX_PROPERTIES|MIN_PROPERTIES|MAX_ITEMS|MIN_ITEMS|UNIQUE_ITEMS)_ADDED$|^(ADDITIONAL_ITEMS|ADDITIONAL_PROPERTIES)_REMOVED$/;
const VALUE_INCREASED = new Set(['MIN_LENGTH_INCREASED', 'MINIMUM_INCREASED', 'EXCLUSIVE_MINIMUM_INCREASED', 'MIN_PROPERTIES_INCREASED', 'MULTIPLE_OF_EXPANDED', 'MIN_ITEMS_INCREASED']);
const VALUE_DECREASED = new Set(['MAX_LENGTH_DECREASED', 'MAXIMUM_DECREASED', 'MAX_ITEMS_DECREASED', 'EXCLUSIVE_MAXIMUM_DECREASED', 'MAX_PROPERTIES_DECREASED']);
const VALUE_CHANGED = new Set(['PATTERN_CHANGED', 'MULTIPLE_OF_CHANGED']);
const TYPE_NARROWED = new Set(['ADDITIONAL_ITEMS_NARROWED', 'ENUM_ARRAY_NARROWED', 'SUM_TYPE_NARROWED', 'ADDITIONAL_PROPERTIES_NARROWED']);
const TYPE_CHANGED = new Set(['TYPE_CHANGED', 'TYPE_NARROWED', 'COMBINED_TYPE_CHANGED', 'COMBINED_TYPE_SUBSCHEMAS_CHANGED', 'ENUM_ARRAY_CHANGED']);
const TYPE_EXTENDED = new Set(['PRODUCT_TYPE_EXTENDED', 'SUM_TYPE_EXTENDED', 'NOT_TYPE_EXTENDED']);

/** Confluent's JSON `Difference.toString()` (its closing `'}` included). */
function describe(d: Difference, r: string, w: string): string {
  const p = d.path;
  let text: string;
  if (KEYWORD_ADDED_OR_REMOVED.test(d.type)) text = `The keyword at path '${p}' in the ${r} schema is not present in the ${w} schema`;
  else if (VALUE_INCREASED.has(d.type)) text = `The value at path '${p}' in the ${r} schema is more than its value in the ${w} schema`;
  else if (VALUE_DECREASED.has(d.type)) text = `The value at path '${p}' in the ${r} schema is less than its value in the ${w} schema`;
  else if (VALUE_CHANGED.has(d.type)) text = `The value at path '${p}' is different between the ${r} and ${w} schema`;
  else if (TYPE_NARROWED.has(d.type)) text = `An array or combined type at path '${p}' has fewer elements in the ${r} schema than the ${w} schema`;
  else if (TYPE_EXTENDED.has(d.type)) text = `An array or combined type at path '${p}' has more elements in the ${r} schema than the ${w} schema`;
  else if (TYPE_CHANGED.has(d.type)) text = `A type at path '${p}' is different between the ${r} schema and the ${w} schema`;
  else if (['REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL', 'OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL'].includes(d.type))
    text = `The ${r} schema has an open content model and has a property or item at path '${p}' which is missing in the ${w} schema`;
  else if (d.type === 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL') text = `The ${r} schema has an unopen content model and has a required property at path '${p}' which is missing in the ${w} schema`;
  else if (d.type === 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL' || d.type === 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL')
    text = `The ${r} has a closed content model and is missing a property or item present at path '${p}' in the ${w} schema`;
  else if (d.type.endsWith('REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'))
    text = `A property or item is missing in the ${r} schema but present at path '${p}' in the ${w} schema and is not covered by its partially open content model`;
  else if (d.type.endsWith('ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'))
    text = `The ${r} schema has a property or item at path '${p}' which is missing in the ${w} schema and is not covered by its partially open content model`;
  else text = '';
  return `{errorType:"${d.type}", description:"${text}'}`;
}
