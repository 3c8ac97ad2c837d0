/**
 * A private network for fault runs: one network namespace per node and one for the clients, each
 * joined by a veth pair to a bridge that lives in its own "hub" namespace. Nothing is added to the
 * host's namespace, so a run's traffic never leaves the namespaces it created, and two runs never
 * see each other (random names and subnet).
 *
 *   client ns ──veth── ┐
 *   node 1 ns ──veth── ├─ bridge (hub ns)
 *   node 2 ns ──veth── ┘
 *
 * Cutting a node off sets its hub-side veth down: packets to and from it are dropped, connections
 * stall rather than reset, as when a cable is pulled. Needs root (CAP_NET_ADMIN) and iproute2;
 * `unavailableReason()` says why not when they are missing.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

export class NetnsLab {
  private static readonly live = new Set<NetnsLab>();
  private destroyed = false;

  private constructor(
    readonly id: string,
    private readonly subnet: string,
    readonly nodeCount: number,
  ) {}

  /** Why namespaces cannot be made here (not root, no `ip`), or null when they can. */
  static async unavailableReason(): Promise<string | null> {
    if (process.getuid?.() !== 0) return 'fault runs need root for network namespaces (ip netns); CI runs as root';
    try {
      await run('ip', ['netns', 'list']);
      return null;
    } catch (e) {
      return `iproute2's ip netns does not work here: ${(e as Error).message}`;
    }
  }

  /** Makes the hub, `nodes` node namespaces and the client namespace. */
  static async create(nodes: number): Promise<NetnsLab> {
    const lab = new NetnsLab(randomBytes(3).toString('hex'), `10.${randomInt(64, 250)}.${randomInt(0, 255)}`, nodes);
    NetnsLab.live.add(lab);
    try {
      await ip('netns', 'add', lab.hub);
      await ip('-n', lab.hub, 'link', 'set', 'lo', 'up');
      await ip('-n', lab.hub, 'link', 'add', 'br0', 'type', 'bridge');
      await ip('-n', lab.hub, 'link', 'set', 'br0', 'up');
      await lab.join(lab.clientNs, lab.clientVeth, 2);
      for (let i = 1; i <= nodes; i++) await lab.join(lab.nodeNs(i), lab.nodeVeth(i), 10 + i);
    } catch (e) {
      await lab.destroy();
      throw e;
    }
    return lab;
  }

  private get hub(): string {
    return `trb-${this.id}-hub`;
  }

  /** The namespace clients (load generators, checkers) run in. */
  get clientNs(): string {
    return `trb-${this.id}-c`;
  }

  private get clientVeth(): string {
    return `t${this.id}c`;
  }

  nodeNs(i: number): string {
    return `trb-${this.id}-n${i}`;
  }

  private nodeVeth(i: number): string {
    return `t${this.id}n${i}`;
  }

  /** Node i's address, reachable from every namespace of the lab. */
  nodeAddress(i: number): string {
    return `${this.subnet}.${10 + i}`;
  }

  /** A namespace with `eth0` on the bridge at `<subnet>.<host>` and its loopback up. */
  private async join(ns: string, veth: string, host: number): Promise<void> {
    await ip('netns', 'add', ns);
    await ip('-n', this.hub, 'link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
    await ip('-n', this.hub, 'link', 'set', veth, 'master', 'br0');
    await ip('-n', this.hub, 'link', 'set', veth, 'up');
    await ip('-n', ns, 'addr', 'add', `${this.subnet}.${host}/24`, 'dev', 'eth0');
    await ip('-n', ns, 'link', 'set', 'eth0', 'up');
    await ip('-n', ns, 'link', 'set', 'lo', 'up');
  }

  /** Cuts node i off from everyone (its link to the bridge goes down). */
  async cut(i: number): Promise<void> {
    await ip('-n', this.hub, 'link', 'set', this.nodeVeth(i), 'down');
  }

  /** Reconnects node i. */
  async heal(i: number): Promise<void> {
    await ip('-n', this.hub, 'link', 'set', this.nodeVeth(i), 'up');
  }

  /** Deletes every namespace of the lab (their veths go with them). Safe to call twice. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    NetnsLab.live.delete(this);
    // A lab whose creation failed half way lacks some namespaces: deleting those fails, harmlessly.
    for (const ns of this.namespaces()) await ip('netns', 'del', ns).catch(() => undefined);
  }

  /** Synchronous last resort on process exit: namespaces outlive the process otherwise. */
  static destroyAllSync(): void {
    for (const lab of NetnsLab.live) lab.destroySync();
  }

  private destroySync(): void {
    for (const ns of this.namespaces()) spawnSync('ip', ['netns', 'del', ns]);
  }

  /** Every namespace of the lab, the hub last. */
  private namespaces(): string[] {
    return [this.clientNs, ...Array.from({ length: this.nodeCount }, (_, k) => this.nodeNs(k + 1)), this.hub];
  }
}

process.once('exit', () => NetnsLab.destroyAllSync());

async function ip(...args: string[]): Promise<void> {
  try {
    await run('ip', args);
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`ip ${args.join(' ')}: ${(err.stderr ?? err.message).trim()}`);
  }
}
