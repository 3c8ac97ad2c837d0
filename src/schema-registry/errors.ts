/**
 * The schema registry's REST errors: Confluent's HTTP status, `error_code` and message for each
 * condition, so clients that match on either (the Java client maps 40401 to "subject not found",
 * @kafkajs/confluent-schema-registry surfaces the message) see what Confluent's registry answers.
 * The body is always `{"error_code": n, "message": "..."}`.
 */

export class RegistryError extends Error {
  constructor(readonly status: number, readonly errorCode: number, message: string) {
    super(message);
  }

  body(): { error_code: number; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}

export const subjectNotFound = (subject: string): RegistryError => new RegistryError(404, 40401, `Subject '${subject}' not found.`);
export const versionNotFound = (version: number | string): RegistryError => new RegistryError(404, 40402, `Version ${version} not found.`);
export const schemaNotFound = (id?: number): RegistryError => new RegistryError(404, 40403, id === undefined ? 'Schema not found' : `Schema ${id} not found`);
export const subjectSoftDeleted = (subject: string): RegistryError =>
  new RegistryError(404, 40404, `Subject '${subject}' was soft deleted.Set permanent=true to delete permanently`);
export const subjectNotSoftDeleted = (subject: string): RegistryError =>
  new RegistryError(404, 40405, `Subject '${subject}' was not deleted first before being permanently deleted`);
export const versionSoftDeleted = (subject: string, version: number): RegistryError =>
  new RegistryError(404, 40406, `Subject '${subject}' Version ${version} was soft deleted.Set permanent=true to delete permanently`);
export const versionNotSoftDeleted = (subject: string, version: number): RegistryError =>
  new RegistryError(404, 40407, `Subject '${subject}' Version ${version} was not deleted first before being permanently deleted`);
export const subjectCompatibilityNotConfigured = (subject: string): RegistryError =>
  new RegistryError(404, 40408, `Subject '${subject}' does not have subject-level compatibility configured`);
export const subjectModeNotConfigured = (subject: string): RegistryError =>
  new RegistryError(404, 40409, `Subject '${subject}' does not have subject-level mode configured`);

export const incompatibleSchema = (subject: string, messages: readonly string[]): RegistryError =>
  new RegistryError(409, 409, `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [${messages.join(', ')}]`);

export const invalidSchema = (detail: string): RegistryError => new RegistryError(422, 42201, detail);
export const invalidVersion = (version: string): RegistryError =>
  new RegistryError(422, 42202, `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`);
export const invalidCompatibility = (): RegistryError =>
  new RegistryError(422, 42203, 'Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive');
export const invalidMode = (): RegistryError => new RegistryError(422, 42204, 'Invalid mode. Valid values are READWRITE, READONLY, IMPORT and FORWARD.');
export const operationNotPermitted = (message: string): RegistryError => new RegistryError(422, 42205, message);
export const referenceExists = (message: string): RegistryError => new RegistryError(422, 42206, message);
export const idDoesNotMatch = (message: string): RegistryError => new RegistryError(422, 42207, message);

export const storeError = (message: string): RegistryError => new RegistryError(500, 50001, message);
export const operationTimeout = (message: string): RegistryError => new RegistryError(500, 50002, message);
export const forwardingFailed = (message: string): RegistryError => new RegistryError(500, 50003, message);
export const unknownLeader = (): RegistryError => new RegistryError(500, 50004, 'Leader not known.');
/** Jersey's answers for what no resource matches (Confluent's error body, plain HTTP codes). */
export const notFound = (): RegistryError => new RegistryError(404, 404, 'HTTP 404 Not Found');
export const methodNotAllowed = (): RegistryError => new RegistryError(405, 405, 'HTTP 405 Method Not Allowed');
export const unprocessable = (message: string): RegistryError => new RegistryError(422, 422, message);
export const badRequest = (message: string): RegistryError => new RegistryError(400, 400, message);
export const unsupportedMediaType = (): RegistryError => new RegistryError(415, 415, 'HTTP 415 Unsupported Media Type');
