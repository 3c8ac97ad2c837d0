/**
 * Protobuf schemas as serialized descriptors, the other form Confluent's registry speaks:
 * confluent-kafka-python's ProtobufSerializer registers a schema as a base64 FileDescriptorProto,
 * and its deserializer asks for schemas with `?format=serialized`. A descriptor is turned into
 * .proto text on the way in (then stored like any other Protobuf schema); on the way out the
 * parsed schema is written as a FileDescriptorProto.
 */
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';
import { renderFile } from './protobuf-schema.js';
import type { ParsedProtobuf } from './protobuf-schema.js';

const require = createRequire(import.meta.url);

interface DescriptorTypes {
  readonly FileDescriptorProto: protobuf.Type;
}
interface WithDescriptors {
  fromDescriptor(set: unknown): protobuf.Root;
}
interface ToDescriptor {
  toDescriptor(syntax: string): protobuf.Message<object>;
}

let loaded: DescriptorTypes | undefined;
/** protobufjs's descriptor extension (it adds fromDescriptor/toDescriptor to the reflection classes). */
function descriptors(): DescriptorTypes {
  loaded ??= require('protobufjs/ext/descriptor') as DescriptorTypes;
  return loaded;
}

interface FileDescriptorFields {
  name?: string;
  package?: string;
  dependency?: string[];
  syntax?: string;
}

/** The .proto text of a base64 FileDescriptorProto, or null when `schema` is not one. */
export function descriptorText(schema: string): string | null {
  const trimmed = schema.trim();
  if (trimmed === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) return null;
  try {
    const bytes = Buffer.from(trimmed, 'base64');
    const d = descriptors();
    const fdp = d.FileDescriptorProto.decode(bytes) as unknown as FileDescriptorFields;
    const root = (protobuf.Root as unknown as WithDescriptors).fromDescriptor({ file: [fdp] });
    const packageName = fdp.package ?? '';
    const ns = packageName === '' ? root : (root.lookup(packageName) as protobuf.Namespace);
    return renderFile({ syntax: fdp.syntax === 'proto3' ? 'proto3' : fdp.syntax === undefined || fdp.syntax === '' ? 'proto2' : fdp.syntax, packageName, imports: fdp.dependency ?? [], weakImports: [] }, ns, false);
  } catch {
    return null;
  }
}

/** The schema as a base64 FileDescriptorProto named `name` (`?format=serialized`). */
export function serializedDescriptor(parsed: ParsedProtobuf, name: string): string {
  const d = descriptors();
  const syntax = parsed.syntax === 'proto3' ? 'proto3' : 'proto2';
  const messageType: unknown[] = [];
  const enumType: unknown[] = [];
  for (const t of parsed.types) {
    if (t instanceof protobuf.Type) messageType.push((t as unknown as ToDescriptor).toDescriptor(syntax));
    else enumType.push((t as unknown as ToDescriptor).toDescriptor(syntax));
  }
  const fdp = d.FileDescriptorProto.create({
    name,
    ...(parsed.packageName === '' ? {} : { package: parsed.packageName }),
    dependency: [...parsed.imports],
    messageType,
    enumType,
    ...(syntax === 'proto3' ? { syntax } : {}),
  });
  return Buffer.from(d.FileDescriptorProto.encode(fdp).finish()).toString('base64');
}
