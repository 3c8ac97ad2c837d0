/**
 * Run as its own process (a cold module cache): times importing Tributary, startNode() and the
 * first acknowledged produce, then prints one JSON line and stops the node.
 */
import { firstProduce } from './first-produce.js';

const t0 = performance.now();
const { startNode } = await import('../src/index.js');
const t1 = performance.now();
const node = await startNode();
const t2 = performance.now();
await firstProduce(node.bootstrap);
const t3 = performance.now();
await node.stop();
console.log(JSON.stringify({ importMs: t1 - t0, startNodeMs: t2 - t1, startToFirstProduceMs: t3 - t1 }));
