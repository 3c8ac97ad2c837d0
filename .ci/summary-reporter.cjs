'use strict';
/**
 * Mocha reporter for CI: the usual spec output, then one final summary line
 *   N passed, N failed[, N skipped]
 * Use: mocha --reporter ./.ci/summary-reporter.cjs  (or: npm test -- --reporter ./.ci/summary-reporter.cjs)
 * The line is printed on the runner's 'end' event, after the spec epilogue. A failing hook counts
 * as a failure (mocha reports it as one).
 */
const mocha = require('mocha');

const reporters = mocha.reporters || (mocha.default && mocha.default.reporters);
if (!reporters || !reporters.Spec) throw new Error('summary-reporter: cannot find mocha.reporters.Spec');

class SummaryReporter extends reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    runner.on('pass', () => { passed++; });
    runner.on('fail', () => { failed++; });
    runner.on('pending', () => { skipped++; });
    runner.once('end', () => {
      let line = `${passed} passed, ${failed} failed`;
      if (skipped > 0) line += `, ${skipped} skipped`;
      process.stdout.write(`\n${line}\n`);
      const file = process.env.MOCHA_SUMMARY_FILE;
      if (file) require('node:fs').writeFileSync(file, line + '\n');
    });
  }
}

SummaryReporter.description = 'spec, then one "N passed, N failed[, N skipped]" line';
module.exports = SummaryReporter;
