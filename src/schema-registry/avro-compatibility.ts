/**
 * Avro reader/writer compatibility as Confluent decides it: Confluent runs Avro's Java
 * `SchemaCompatibility.checkReaderWriterCompatibility` and prints each incompatibility as
 * `{errorType:'…', description:'…', additionalInfo:'…'}`. This file holds our own implementation
 * of the same rules over avsc types, so the verdicts, the paths ('/fields/1/type') and the
 * messages match:
 *
 *  - same types: primitives match; arrays/maps recurse into items/values; fixed/enum/record
 *    compare names (unqualified, or the writer's full name among the reader's aliases); fixed
 *    sizes must agree; the reader must hold every writer enum symbol unless it has an enum default;
 *    each reader field is read from the writer field of the same name (or one of the reader
 *    field's aliases), else it needs a default;
 *  - a writer union: every branch must be readable;
 *  - a reader union: some branch must read the writer;
 *  - promotions: int → long/float/double, long → float/double, float → double, string ↔ bytes.
 *
 * Logical types do not take part (Avro's check looks only at the underlying type). Recursive
 * schemas terminate: a pair already being checked counts as compatible, as in Avro.
 */
import type avsc from 'avsc';

export type IncompatibilityType =
  | 'NAME_MISMATCH'
  | 'FIXED_SIZE_MISMATCH'
  | 'MISSING_ENUM_SYMBOLS'
  | 'READER_FIELD_MISSING_DEFAULT_VALUE'
  | 'TYPE_MISMATCH'
  | 'MISSING_UNION_BRANCH';

export interface Incompatibility {
  readonly type: IncompatibilityType;
  /** Avro's location: '/' + the path from the reader's root ('/fields/0/type'). */
  readonly location: string;
  readonly message: string;
}

type T = avsc.Type;
interface Fieldish { readonly name: string; readonly type: T; readonly aliases: readonly string[]; defaultValue(): unknown }

/** Avro's type names (Schema.Type), upper-case, for the messages; logical types as their base. */
function kind(t: T): string {
  const n = t.typeName;
  if (n.startsWith('union')) return 'UNION';
  return n.toUpperCase();
}

const simpleName = (full: string | undefined): string => (full ?? '').split('.').pop() ?? '';

/** Every incompatibility found reading data written with `writer` using `reader`. */
export function readerWriterIncompatibilities(reader: T, writer: T): Incompatibility[] {
  let out: Incompatibility[] = [];
  const inProgress = new Set<string>();
  const ids = new WeakMap<T, number>();
  let nextId = 0;
  const idOf = (t: T): number => {
    let id = ids.get(t);
    if (id === undefined) ids.set(t, (id = nextId++));
    return id;
  };
  const path: string[] = [];
  const at = (): string => '/' + path.join('/');
  const add = (type: IncompatibilityType, message: string): void => {
    out.push({ type, location: at(), message });
  };

  const check = (r: T, w: T): void => {
    const key = `${idOf(r)}:${idOf(w)}`;
    if (inProgress.has(key)) return;
    inProgress.add(key);
    try {
      checkPair(r, w);
    } finally {
      inProgress.delete(key);
    }
  };
  const under = (segment: string, r: T, w: T): void => {
    path.push(segment);
    check(r, w);
    path.pop();
  };

  const checkPair = (r: T, w: T): void => {
    const rk = kind(r);
    const wk = kind(w);
    if (rk === wk) {
      switch (rk) {
        case 'ARRAY':
          return under('items', (r as avsc.types.ArrayType).itemsType, (w as avsc.types.ArrayType).itemsType);
        case 'MAP':
          return under('values', (r as avsc.types.MapType).valuesType, (w as avsc.types.MapType).valuesType);
        case 'FIXED':
          checkNames(r, w);
          if ((r as avsc.types.FixedType).size !== (w as avsc.types.FixedType).size) {
            path.push('size');
            add('FIXED_SIZE_MISMATCH', `expected: ${(w as avsc.types.FixedType).size}, found: ${(r as avsc.types.FixedType).size}`);
            path.pop();
          }
          return;
        case 'ENUM':
          checkNames(r, w);
          return checkEnum(r as avsc.types.EnumType, w as avsc.types.EnumType);
        case 'RECORD':
          checkNames(r, w);
          return checkFields(r as avsc.types.RecordType, w as avsc.types.RecordType);
        case 'UNION':
          (w as avsc.types.UnwrappedUnionType).types.forEach((branch, i) => under(String(i), r, branch));
          return;
        default:
          return;
      }
    }
    if (wk === 'UNION') {
      (w as avsc.types.UnwrappedUnionType).types.forEach((branch, i) => under(String(i), r, branch));
      return;
    }
    if (rk === 'UNION') {
      for (const branch of (r as avsc.types.UnwrappedUnionType).types) if (reads(branch, w)) return;
      add('MISSING_UNION_BRANCH', `reader union lacking writer type: ${wk}`);
      return;
    }
    const promotable: Record<string, readonly string[]> = {
      LONG: ['INT'],
      FLOAT: ['INT', 'LONG'],
      DOUBLE: ['INT', 'LONG', 'FLOAT'],
      BYTES: ['STRING'],
      STRING: ['BYTES'],
    };
    if (promotable[rk]?.includes(wk) === true) return;
    add('TYPE_MISMATCH', `reader type: ${rk} not compatible with writer type: ${wk}`);
  };

  /** Whether r reads w, found without reporting (the memo of pairs in progress is shared). */
  const reads = (r: T, w: T): boolean => {
    const saved = out;
    out = [];
    check(r, w);
    const ok = out.length === 0;
    out = saved;
    return ok;
  };

  const checkNames = (r: T, w: T): void => {
    if (simpleName(r.name) === simpleName(w.name)) return;
    if ((r.aliases ?? []).includes(w.name ?? '')) return;
    path.push('name');
    add('NAME_MISMATCH', `expected: ${w.name ?? ''}`);
    path.pop();
  };

  const checkEnum = (r: avsc.types.EnumType, w: avsc.types.EnumType): void => {
    // Avro collects them in a sorted set.
    const missing = w.symbols.filter((s) => !r.symbols.includes(s)).sort();
    const readerDefault = (r as unknown as { default?: string }).default;
    if (missing.length === 0 || readerDefault !== undefined) return;
    path.push('symbols');
    add('MISSING_ENUM_SYMBOLS', `[${missing.join(', ')}]`);
    path.pop();
  };

  const checkFields = (r: avsc.types.RecordType, w: avsc.types.RecordType): void => {
    path.push('fields');
    (r.fields as unknown as readonly Fieldish[]).forEach((rf, i) => {
      path.push(String(i));
      const wf = writerField(w, rf);
      if (wf === undefined) {
        if (rf.defaultValue() === undefined) add('READER_FIELD_MISSING_DEFAULT_VALUE', rf.name);
      } else {
        under('type', rf.type, wf.type);
      }
      path.pop();
    });
    path.pop();
  };

  check(reader, writer);
  return out;
}

/** The writer's field a reader field reads: same name, else one of the reader field's aliases. */
function writerField(w: avsc.types.RecordType, rf: Fieldish): Fieldish | undefined {
  const fields = w.fields as unknown as readonly Fieldish[];
  return fields.find((f) => f.name === rf.name) ?? fields.find((f) => rf.aliases.includes(f.name));
}

/** Confluent's `Difference.toString()`: `%s` stands for 'new'/'old' as the check's direction fills in. */
export function describeIncompatibility(i: Incompatibility, readerWord: string, writerWord: string): string {
  let description: string;
  switch (i.type) {
    case 'FIXED_SIZE_MISMATCH':
      description = `The size of FIXED type field at path '${i.location}' in the ${readerWord} schema does not match with the ${writerWord} schema`;
      break;
    case 'TYPE_MISMATCH':
      description = `The type (path '${i.location}') of a field in the ${readerWord} schema does not match with the ${writerWord} schema`;
      break;
    case 'NAME_MISMATCH':
      description = `The name of the schema has changed (path '${i.location}')`;
      break;
    case 'MISSING_ENUM_SYMBOLS':
      description = `The ${readerWord} schema is missing enum symbols '${i.message}' at path '${i.location}' in the ${writerWord} schema`;
      break;
    case 'MISSING_UNION_BRANCH':
      description = `The ${readerWord} schema is missing a type inside a union field at path '${i.location}' in the ${writerWord} schema`;
      break;
    case 'READER_FIELD_MISSING_DEFAULT_VALUE':
      description = `The field '${i.message}' at path '${i.location}' in the ${readerWord} schema has no default value and is missing in the ${writerWord} schema`;
      break;
  }
  return `{errorType:'${i.type}', description:'${description}', additionalInfo:'${i.message}'}`;
}
