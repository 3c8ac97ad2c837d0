/**
 * A strict walk over one Protobuf message's bytes against its type, for the broker-side
 * validator. protobufjs's decoder trusts its input (a length past the end reads a short string, a
 * field of the wrong wire type is read as if it had the right one), so before decoding the bytes
 * are checked here: every tag names a field number > 0 with a known wire type, every value lies
 * within its message, a known field carries the wire type its declared type uses (or the packed
 * form of a repeated scalar), and message and map fields are walked in turn. Unknown fields are
 * allowed (a newer writer's), as every Protobuf reader allows them.
 */
import protobuf from 'protobufjs';

const VARINT_TYPES = new Set(['int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'bool']);
const FIXED64_TYPES = new Set(['fixed64', 'sfixed64', 'double']);
const FIXED32_TYPES = new Set(['fixed32', 'sfixed32', 'float']);
const WIRE_NAMES = ['varint', '64-bit', 'length-delimited', 'start group', 'end group', '32-bit'];
const MAX_DEPTH = 100;

class WireError extends Error {}

/** The wire type a value of `type` (resolved to `resolved`) is written with. */
function wireTypeOf(type: string, resolved: protobuf.ReflectionObject | null): number {
  if (resolved instanceof protobuf.Enum || VARINT_TYPES.has(type)) return 0;
  if (FIXED64_TYPES.has(type)) return 1;
  if (FIXED32_TYPES.has(type)) return 5;
  return 2;
}

class Walker {
  pos: number;
  constructor(private readonly buf: Buffer, start: number) {
    this.pos = start;
  }

  varint(): void {
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new WireError(`a varint runs past the end at byte ${this.pos}`);
      if (((this.buf[this.pos++] as number) & 0x80) === 0) return;
    }
    throw new WireError(`a varint longer than 10 bytes at byte ${this.pos}`);
  }

  uint32(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.pos >= this.buf.length) throw new WireError(`a varint runs past the end at byte ${this.pos}`);
      const b = this.buf[this.pos++] as number;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
    throw new WireError(`a length or tag too large at byte ${this.pos}`);
  }

  skip(n: number, end: number): void {
    if (this.pos + n > end) throw new WireError(`a value of ${n} bytes at byte ${this.pos} runs past the end of its message`);
    this.pos += n;
  }

  /** Walks a message of `type` from pos to `end` (or to its END_GROUP when `group` is its number). */
  message(type: protobuf.Type | null, end: number, depth: number, group?: number): void {
    if (depth > MAX_DEPTH) throw new WireError('messages nested too deep');
    while (this.pos < end) {
      const tag = this.uint32();
      const number = Math.floor(tag / 8);
      const wire = tag & 7;
      if (number === 0) throw new WireError(`field number 0 at byte ${this.pos}`);
      if (wire === 4) {
        if (group === number) return;
        throw new WireError(`an unexpected end-group tag for field ${number}`);
      }
      if (wire > 5) throw new WireError(`wire type ${wire} (field ${number}) does not exist`);
      const field = type?.fieldsById[number];
      if (field !== undefined) this.checkWireType(field, wire);
      this.value(field, number, wire, end, depth);
    }
    if (this.pos !== end) throw new WireError('the last field runs past the end of its message');
    if (group !== undefined) throw new WireError(`group ${group} has no end`);
  }

  private checkWireType(field: protobuf.Field, wire: number): void {
    const expected = field instanceof protobuf.MapField ? 2 : wireTypeOf(field.type, field.resolvedType);
    const packed = field.repeated && expected !== 2 && wire === 2;
    const group = wire === 3 && field.resolvedType instanceof protobuf.Type;
    if (wire !== expected && !packed && !group) {
      throw new WireError(`field ${field.id} (${field.name}, ${field.type}) has wire type ${WIRE_NAMES[wire] ?? wire}, expected ${WIRE_NAMES[expected]}`);
    }
  }

  private value(field: protobuf.Field | undefined, number: number, wire: number, end: number, depth: number): void {
    switch (wire) {
      case 0:
        return this.varint();
      case 1:
        return this.skip(8, end);
      case 5:
        return this.skip(4, end);
      case 3:
        return this.message(field?.resolvedType instanceof protobuf.Type ? field.resolvedType : null, end, depth + 1, number);
      default: {
        const length = this.uint32();
        const start = this.pos;
        this.skip(length, end);
        if (field === undefined) return;
        const inner = new Walker(this.buf, start);
        if (field instanceof protobuf.MapField) inner.mapEntry(field, start + length, depth + 1);
        else if (field.resolvedType instanceof protobuf.Type) inner.message(field.resolvedType, start + length, depth + 1);
        else if (field.repeated && wireTypeOf(field.type, field.resolvedType) !== 2) inner.packed(wireTypeOf(field.type, field.resolvedType), start + length);
      }
    }
  }

  private mapEntry(field: protobuf.MapField, end: number, depth: number): void {
    while (this.pos < end) {
      const tag = this.uint32();
      const number = Math.floor(tag / 8);
      const wire = tag & 7;
      const [type, resolved] = number === 1 ? [field.keyType, null] : number === 2 ? [field.type, field.resolvedType] : [null, null];
      if (type !== null && wire !== wireTypeOf(type, resolved)) throw new WireError(`map field ${field.id} (${field.name}): entry field ${number} has wire type ${WIRE_NAMES[wire] ?? wire}`);
      if (wire === 2 && number === 2 && resolved instanceof protobuf.Type) {
        const length = this.uint32();
        const start = this.pos;
        this.skip(length, end);
        new Walker(this.buf, start).message(resolved, start + length, depth + 1);
      } else {
        this.value(undefined, number, wire, end, depth);
      }
    }
  }

  private packed(wire: number, end: number): void {
    while (this.pos < end) {
      if (wire === 0) this.varint();
      else this.skip(wire === 1 ? 8 : 4, end);
    }
    if (this.pos !== end) throw new WireError('a packed repeated field runs past its end');
  }
}

/** Null when `buf[start..]` is exactly one well-formed message of `type`, else the reason. */
export function protobufWireError(type: protobuf.Type, buf: Buffer, start: number): string | null {
  try {
    new Walker(buf, start).message(type, buf.length, 0);
    return null;
  } catch (e) {
    if (e instanceof WireError) return e.message;
    throw e;
  }
}
