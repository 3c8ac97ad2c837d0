/**
 * Protobuf compatibility as Confluent decides it: its Protobuf SchemaDiff walks the old file
 * ("original") and the new one ("update"), message by message and field by field number, and
 * names each difference. Compatible kinds: a message, enum, enum constant, field, oneof or oneof
 * member added or removed, a field renamed, a message moved, a string/bytes field's label changed,
 * a oneof member moved to the top level. Everything else (the package changed, a message removed, a
 * field's kind changed — scalar, message or map —, a scalar changed outside its wire-compatible
 * group, a numeric field's label changed, a message field's type changed, a required field added or
 * removed, a oneof member removed while its oneof stays, fields moved into a oneof) is not.
 *
 * Scalar groups, as Confluent's: int32/int64/uint32/uint64/bool and enums; sint32/sint64;
 * string/bytes; fixed32/sfixed32; fixed64/sfixed64; float; double. Paths are `#/` then message
 * names, a oneof name where the field is in one, and the field number: `#/User/2`.
 */
import protobuf from 'protobufjs';
import { ruleOf } from './protobuf-descriptor.js';
import type { ParsedProtobuf } from './protobuf-schema.js';

const COMPATIBLE = new Set([
  'MESSAGE_ADDED', 'MESSAGE_MOVED', 'ENUM_ADDED', 'ENUM_REMOVED', 'ENUM_CONST_ADDED', 'ENUM_CONST_CHANGED', 'ENUM_CONST_REMOVED',
  'FIELD_ADDED', 'FIELD_REMOVED', 'FIELD_NAME_CHANGED', 'FIELD_STRING_OR_BYTES_LABEL_CHANGED', 'ONEOF_ADDED', 'ONEOF_REMOVED',
  'ONEOF_FIELD_ADDED', 'ONEOF_FIELD_MOVED_TO_TOP_LEVEL',
]);

interface Difference {
  readonly type: string;
  readonly path: string;
}

type Named = protobuf.Type | protobuf.Enum;

class Diff {
  readonly out: Difference[] = [];
  private readonly onStack = new Set<protobuf.Type>();
  constructor(private readonly path: string[], private readonly packages: readonly [string, string], private readonly syntaxes: readonly [string, string]) {}

  add(type: string): void {
    this.out.push({ type, path: `#/${this.path.join('/')}` });
  }
  within(segment: string, f: () => void): void {
    this.path.push(segment);
    try {
      f();
    } finally {
      this.path.pop();
    }
  }

  types(original: readonly Named[], update: readonly Named[]): void {
    const messages = (list: readonly Named[]): Map<string, [protobuf.Type, number]> => {
      const m = new Map<string, [protobuf.Type, number]>();
      let i = 0;
      for (const t of list) if (t instanceof protobuf.Type && !isMapEntry(t)) m.set(t.name, [t, i++]);
      return m;
    };
    const enums = (list: readonly Named[]): Map<string, protobuf.Enum> => new Map(list.filter((t): t is protobuf.Enum => t instanceof protobuf.Enum).map((e) => [e.name, e]));
    const om = messages(original);
    const um = messages(update);
    for (const name of new Set([...om.keys(), ...um.keys()])) {
      this.within(name, () => {
        const o = om.get(name);
        const u = um.get(name);
        if (u === undefined) return this.add('MESSAGE_REMOVED');
        if (o === undefined) return this.add('MESSAGE_ADDED');
        this.message(o[0], u[0]);
        if (o[1] !== u[1]) this.add('MESSAGE_MOVED');
      });
    }
    const oe = enums(original);
    const ue = enums(update);
    for (const name of new Set([...oe.keys(), ...ue.keys()])) {
      this.within(name, () => {
        const o = oe.get(name);
        const u = ue.get(name);
        if (u === undefined) return this.add('ENUM_REMOVED');
        if (o === undefined) return this.add('ENUM_ADDED');
        for (const [k, v] of Object.entries(o.values)) {
          if (!(k in u.values)) this.within(k, () => this.add('ENUM_CONST_REMOVED'));
          else if (u.values[k] !== v) this.within(k, () => this.add('ENUM_CONST_CHANGED'));
        }
        for (const k of Object.keys(u.values)) if (!(k in o.values)) this.within(k, () => this.add('ENUM_CONST_ADDED'));
      });
    }
  }

  message(original: protobuf.Type, update: protobuf.Type): void {
    if (!this.onStack.has(original)) {
      this.onStack.add(original);
      try {
        this.fields(original, update);
      } finally {
        this.onStack.delete(original);
      }
    }
    this.types(original.nestedArray as Named[], update.nestedArray as Named[]);
  }

  private fields(original: protobuf.Type, update: protobuf.Type): void {
    const oneofOf = (f: protobuf.Field): string | null => (f.partOf === null || isSynthetic(f.partOf) ? null : f.partOf.name);
    const oByTag = new Map(original.fieldsArray.map((f) => [f.id, f]));
    const uByTag = new Map(update.fieldsArray.map((f) => [f.id, f]));
    const oOneofs = new Map(original.oneofsArray.filter((o) => !isSynthetic(o)).map((o) => [o.name, o]));
    const uOneofs = new Map(update.oneofsArray.filter((o) => !isSynthetic(o)).map((o) => [o.name, o]));
    const deletedOneofs = new Set([...oOneofs].filter(([n, o]) => !uOneofs.has(n) && !o.fieldsArray.some((f) => uByTag.has(f.id))).map(([n]) => n));
    for (const oneof of uOneofs.values()) {
      this.within(oneof.name, () => {
        const origins = new Set<string>();
        let movedIn = 0;
        for (const f of oneof.fieldsArray) {
          const was = oByTag.get(f.id);
          if (was === undefined) continue;
          const wasIn = oneofOf(was);
          if (wasIn !== null) origins.add(`oneof:${wasIn}`);
          else {
            origins.add(`field:${f.id}`);
            movedIn++;
          }
        }
        if (origins.size > 1) this.add(movedIn > 1 ? 'MULTIPLE_FIELDS_MOVED_TO_ONEOF' : 'FIELD_MOVED_TO_EXISTING_ONEOF');
      });
    }
    for (const name of [...new Set([...oOneofs.keys(), ...uOneofs.keys()])].sort()) {
      this.within(name, () => {
        if (!uOneofs.has(name)) this.add('ONEOF_REMOVED');
        else if (!oOneofs.has(name)) this.add('ONEOF_ADDED');
      });
    }
    for (const tag of [...new Set([...oByTag.keys(), ...uByTag.keys()])].sort((a, b) => a - b)) {
      const o = oByTag.get(tag);
      const u = uByTag.get(tag);
      const oIn = o === undefined ? null : oneofOf(o);
      const uIn = u === undefined ? null : oneofOf(u);
      const at = (oneof: string | null, f: () => void): void => (oneof === null ? this.within(String(tag), f) : this.within(oneof, () => this.within(String(tag), f)));
      if (u === undefined) {
        if (oIn !== null) {
          if (!deletedOneofs.has(oIn)) at(oIn, () => this.add('ONEOF_FIELD_REMOVED'));
        } else at(null, () => this.add((o !== undefined && ruleOf(o) === 'required') ? 'REQUIRED_FIELD_REMOVED' : 'FIELD_REMOVED'));
      } else if (o === undefined) {
        at(uIn, () => this.add(uIn !== null ? 'ONEOF_FIELD_ADDED' : ruleOf(u) === 'required' ? 'REQUIRED_FIELD_ADDED' : 'FIELD_ADDED'));
      } else {
        if (oIn !== null && uIn === null) at(null, () => this.add('ONEOF_FIELD_MOVED_TO_TOP_LEVEL'));
        at(uIn, () => this.field(o, u));
      }
    }
  }

  private field(o: protobuf.Field, u: protobuf.Field): void {
    if (o.name !== u.name) this.add('FIELD_NAME_CHANGED');
    const ok = kind(o);
    const uk = kind(u);
    if (ok !== uk) return this.add('FIELD_KIND_CHANGED');
    if (ok === 'MAP') {
      const om = o as unknown as protobuf.MapField;
      const um = u as unknown as protobuf.MapField;
      if (scalarKind(om.keyType) !== scalarKind(um.keyType)) return this.add('FIELD_SCALAR_KIND_CHANGED');
      const vk = valueKind(o);
      if (vk !== valueKind(u)) return this.add('FIELD_KIND_CHANGED');
      if (vk === 'SCALAR' && valueScalar(o) !== valueScalar(u)) return this.add('FIELD_SCALAR_KIND_CHANGED');
      if (vk === 'MESSAGE') this.messageType(o, u);
      return;
    }
    if (ok === 'SCALAR') {
      const os = valueScalar(o);
      if (os !== valueScalar(u)) return this.add('FIELD_SCALAR_KIND_CHANGED');
      const ol = label(o, this.syntaxes[0]);
      const ul = label(u, this.syntaxes[1]);
      // Confluent compares labels only when both fields have one (a plain proto3 field has none).
      if (ol !== null && ul !== null && ol !== ul) this.add(os === 'STRING_OR_BYTES' ? 'FIELD_STRING_OR_BYTES_LABEL_CHANGED' : 'FIELD_NUMERIC_LABEL_CHANGED');
      return;
    }
    this.messageType(o, u);
  }

  /** Two message fields: the same type by local name, and that type compatible. */
  private messageType(o: protobuf.Field, u: protobuf.Field): void {
    const ot = o.resolvedType as protobuf.Type;
    const ut = u.resolvedType as protobuf.Type;
    if (localName(ot.fullName, this.packages[0]) !== localName(ut.fullName, this.packages[1])) return this.add('FIELD_NAMED_TYPE_CHANGED');
    const sub = new Diff([...this.path], this.packages, this.syntaxes);
    for (const t of this.onStack) sub.onStack.add(t);
    sub.message(ot, ut);
    this.out.push(...sub.out);
    if (sub.out.some((d) => !COMPATIBLE.has(d.type))) this.add('FIELD_NAMED_TYPE_CHANGED');
  }
}

const isSynthetic = (o: protobuf.OneOf): boolean => o.fieldsArray.length === 1 && o.fieldsArray[0]?.options?.['proto3_optional'] === true;
const isMapEntry = (t: protobuf.Type): boolean => t.options?.['map_entry'] === true;
/** The field's label as Wire parses it: repeated/required/optional, or null (proto3 without one, map, oneof member). */
function label(f: protobuf.Field, syntax: string): string | null {
  const rule = ruleOf(f);
  if (rule !== undefined) return rule;
  if (f.options?.['proto3_optional'] === true) return 'optional';
  if (f instanceof protobuf.MapField || (f.partOf !== null && !isSynthetic(f.partOf))) return null;
  return syntax === 'proto2' ? 'optional' : null;
}
const localName = (full: string, pkg: string): string => {
  const name = full.replace(/^\./, '');
  return pkg !== '' && name.startsWith(`${pkg}.`) ? name.slice(pkg.length + 1) : name;
};

function kind(f: protobuf.Field): 'SCALAR' | 'MAP' | 'MESSAGE' {
  if (f instanceof protobuf.MapField) return 'MAP';
  return f.resolvedType instanceof protobuf.Type ? 'MESSAGE' : 'SCALAR';
}

function valueKind(f: protobuf.Field): 'SCALAR' | 'MESSAGE' {
  return f.resolvedType instanceof protobuf.Type ? 'MESSAGE' : 'SCALAR';
}

function valueScalar(f: protobuf.Field): string {
  return f.resolvedType instanceof protobuf.Enum ? 'GENERAL_NUMBER' : scalarKind(f.type);
}

function scalarKind(type: string): string {
  switch (type) {
    case 'int32': case 'int64': case 'uint32': case 'uint64': case 'bool':
      return 'GENERAL_NUMBER';
    case 'sint32': case 'sint64':
      return 'SIGNED_NUMBER';
    case 'string': case 'bytes':
      return 'STRING_OR_BYTES';
    case 'fixed32': case 'sfixed32':
      return 'FIXED32';
    case 'fixed64': case 'sfixed64':
      return 'FIXED64';
    default:
      return type.toUpperCase();
  }
}

/**
 * Confluent's `ProtobufSchema.isBackwardCompatible`: the differences from `writer` (the original)
 * to `reader` (the update) that are not compatible, in its message format.
 */
export function protobufIncompatibilities(reader: ParsedProtobuf, writer: ParsedProtobuf, readerWord: string, writerWord: string): string[] {
  const d = new Diff([], [writer.packageName, reader.packageName], [writer.syntax, reader.syntax]);
  if (writer.packageName !== reader.packageName) d.add('PACKAGE_CHANGED');
  d.types(writer.types, reader.types);
  return d.out.filter((x) => !COMPATIBLE.has(x.type)).map((x) => describe(x, readerWord, writerWord));
}

/** Confluent's Protobuf `Difference.toString()`. */
function describe(d: Difference, r: string, w: string): string {
  const p = d.path;
  const texts: Record<string, string> = {
    PACKAGE_CHANGED: `The package at '${p}' in the ${r} schema does not match the package in the ${w} schema`,
    MESSAGE_REMOVED: `The ${r} schema is missing a MESSAGE type at path '${p}' in the ${w} schema`,
    FIELD_KIND_CHANGED: `The type of a field at path '${p}' in the ${r} schema does not match the ${w} schema`,
    FIELD_SCALAR_KIND_CHANGED: `The kind of a SCALAR field at path '${p}' in the ${r} schema does not match its kind in the ${w} schema`,
    FIELD_NAMED_TYPE_CHANGED: `The type of a MESSAGE field at path '${p}' in the ${r} schema does not match its type in the ${w} schema`,
    FIELD_NUMERIC_LABEL_CHANGED: `The label for a NUMERIC field at path '${p}' in the ${r} schema does not match its label in the ${w} schema`,
    REQUIRED_FIELD_ADDED: `A required field  at path '${p}' in the ${r} schema is missing in the ${w} schema`,
    REQUIRED_FIELD_REMOVED: `The ${r} schema is missing a required field at path: '${p}' in the ${w} schema`,
    ONEOF_FIELD_REMOVED: `The ${r} schema is missing a oneof field at path '${p}' in the ${w} schema`,
    MULTIPLE_FIELDS_MOVED_TO_ONEOF: `Multiple fields in the oneof at path '${p}' in the ${r} schema are outside a oneof in the ${w} schema`,
    FIELD_MOVED_TO_EXISTING_ONEOF: `A field in the oneof at path '${p}' in the ${r} schema is outside an existing oneof in the ${w} schema`,
  };
  return `{errorType:"${d.type}", description:"${texts[d.type] ?? ''}"}`;
}
