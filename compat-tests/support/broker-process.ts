/** A Tributary node as a child process: moved to src/compat/broker-process.ts (`tributary compat` uses it too). */
export * from '../../src/compat/broker-process.js';
