/**
 * The Python drivers (src/compat/python/*.py, run with /usr/bin/python3): moved to
 * src/compat/clients/python.ts and src/compat/records.ts, re-exported here for the suites.
 */
export { pyOffsetsForTimes, pyProduce, scriptOf, srcTag, type ProduceArgs, type PythonClient } from '../../src/compat/clients/python.js';
export { assertSameAsDelivered, type Delivered } from '../../src/compat/records.js';
