/**
 * The text the Connect rows move through a topic: numbered lines (so a duplicated or lost line is
 * named), of varied lengths, ASCII or with non-ASCII UTF-8 (2-, 3- and 4-byte sequences). Lines end
 * with '\n' and none is empty: FileStreamSource emits one record per line without its terminator
 * and FileStreamSink writes each record followed by a newline, so such a file comes out
 * byte-identical.
 *
 * Why the lines before a restart must be ASCII: Kafka's FileStreamSourceTask (4.3.1) stores as its
 * offset the number of UTF-16 chars it has read, and on restart skips that many BYTES of the file
 * (InputStream.skip), so after multi-byte text it resumes early and sends lines again. Apache Kafka
 * itself does this; it is not something the broker can get right or wrong.
 */
import assert from 'node:assert/strict';

const ASCII = ['plain ascii', 'tab\there', '"quoted" \\ back', 'offset=42;', '{json: [1, 2]}'];
const UTF8 = ['straße', 'naïve café', '日本語のテキスト', 'поток данных', 'ροή', '😀🚀', 'plain', 'tab\there'];

/** Lines from..to-1; `utf8` mixes in multi-byte characters. */
export function fileLines(from: number, to: number, utf8: boolean): string {
  const pieces = utf8 ? UTF8 : ASCII;
  const out: string[] = [];
  for (let i = from; i < to; i++) {
    const parts = [`line ${String(i).padStart(6, '0')}`];
    // Lengths from a few bytes to a few KB: crosses the source task's read buffer.
    const n = (i * 7) % 23 === 0 ? 400 : (i % 5) + 1;
    for (let j = 0; j < n; j++) parts.push(pieces[(i + j) % pieces.length] ?? '');
    out.push(`${parts.join(' ')}\n`);
  }
  return out.join('');
}

/** Asserts the sink file is the source file, byte for byte, naming duplicated and missing lines when not. */
export function assertSameFile(source: Buffer, sink: Buffer, when: string): void {
  if (source.equals(sink)) return;
  const src = source.toString('utf8').split('\n');
  const got = sink.toString('utf8').split('\n');
  const count = new Map<string, number>();
  for (const l of got) count.set(l, (count.get(l) ?? 0) + 1);
  const dup = [...count].filter(([l, c]) => l !== '' && c > 1).map(([l]) => l.slice(0, 12));
  const have = new Set(got);
  const missing = src.filter((l) => !have.has(l)).map((l) => l.slice(0, 12));
  assert.fail(`${when}: the sink file (${sink.length} bytes, ${got.length - 1} lines) is not the source file ` +
    `(${source.length} bytes, ${src.length - 1} lines): ${dup.length} lines duplicated (${dup.slice(0, 5).join(', ')}), ` +
    `${missing.length} missing (${missing.slice(0, 5).join(', ')})`);
}
