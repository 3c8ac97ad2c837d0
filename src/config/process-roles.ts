/**
 * process.roles and what each role requires of the listeners and the quorum, with Kafka's checks
 * and messages (KafkaConfig's validateKraft*Config):
 *
 * - broker only: a member of no quorum (its node id is not a voter, it follows the metadata log
 *   as an observer), at least one controller listener name to reach the voters by, none of its
 *   own listeners a controller listener;
 * - controller only: a voter, every listener a controller listener, nothing advertised to clients;
 * - both (combined): a voter, with its controller listener among its listeners.
 *
 * One relaxation, Tributary's single-node default: a combined node with no voters configured is a
 * quorum of itself.
 */
import { ConfigError } from './config-error.js';
import type { Listener, QuorumVoter } from './listeners.js';

export type ProcessRole = 'broker' | 'controller';

const ROLES: readonly ProcessRole[] = ['broker', 'controller'];

/** The roles as listed; unknown or repeated roles are refused. */
export function parseProcessRoles(roles: readonly string[]): ProcessRole[] {
  for (const r of roles) {
    if (!(ROLES as readonly string[]).includes(r)) throw new ConfigError(`Unknown process role '${r}' (only 'broker' and 'controller' are allowed roles)`, 'process.roles');
  }
  if (roles.length === 0 || new Set(roles).size !== roles.length) {
    throw new ConfigError(`Invalid value ${roles.join(',')} for configuration process.roles: must list broker and/or controller once each`, 'process.roles');
  }
  return roles as ProcessRole[];
}

export interface RoleInputs {
  readonly roles: readonly ProcessRole[];
  readonly nodeId: number;
  readonly voters: readonly QuorumVoter[];
  /** controller.quorum.bootstrap.servers is set (a broker may find the quorum through it). */
  readonly hasBootstrapServers: boolean;
  readonly listeners: readonly Listener[];
  readonly advertisedListenersSet: boolean;
  readonly controllerListenerNames: readonly string[];
}

export function checkProcessRoles(c: RoleInputs): void {
  const broker = c.roles.includes('broker');
  const controller = c.roles.includes('controller');
  if (broker && controller) checkCombined(c);
  else if (broker) checkBrokerOnly(c);
  else checkControllerOnly(c);
}

function checkCombined(c: RoleInputs): void {
  if (c.voters.length === 0 && !c.hasBootstrapServers) return; // a quorum of this node alone
  // KIP-853: with bootstrap servers only, the voters are in the metadata log (this node may be none yet).
  if (c.voters.length > 0) checkVoter(c);
  checkControllerListenerBound(c);
}

function checkBrokerOnly(c: RoleInputs): void {
  const ids = voterIds(c);
  if (c.voters.length === 0 && !c.hasBootstrapServers) {
    throw new ConfigError('If using process.roles, either controller.quorum.bootstrap.servers must contain the set of bootstrap controllers or controller.quorum.voters must contain a parseable set of voters.', 'controller.quorum.voters');
  }
  if (c.voters.some((v) => v.id === c.nodeId)) {
    throw new ConfigError(`If process.roles contains just the 'broker' role, the node id ${c.nodeId} must not be included in the set of voters controller.quorum.voters=${ids}`, 'controller.quorum.voters');
  }
  if (c.controllerListenerNames.length === 0) {
    throw new ConfigError('controller.listener.names must contain at least one value when running KRaft with just the broker role', 'controller.listener.names');
  }
  if (c.listeners.some((l) => c.controllerListenerNames.includes(l.name))) {
    throw new ConfigError("controller.listener.names must not contain a value appearing in the 'listeners' configuration when running KRaft with just the broker role", 'controller.listener.names');
  }
}

function checkControllerOnly(c: RoleInputs): void {
  if (c.voters.length === 0 && !c.hasBootstrapServers) {
    throw new ConfigError('If using process.roles, either controller.quorum.bootstrap.servers must contain the set of bootstrap controllers or controller.quorum.voters must contain a parseable set of voters.', 'controller.quorum.voters');
  }
  if (c.advertisedListenersSet) throw new ConfigError('The advertised.listeners config must be empty when process.roles=controller', 'advertised.listeners');
  if (c.listeners.some((l) => !c.controllerListenerNames.includes(l.name))) {
    throw new ConfigError('The listeners config must only contain KRaft controller listeners from controller.listener.names when process.roles=controller', 'listeners');
  }
  if (c.voters.length > 0) checkVoter(c);
  checkControllerListenerBound(c);
}

function checkVoter(c: RoleInputs): void {
  if (!c.voters.some((v) => v.id === c.nodeId)) {
    throw new ConfigError(`If process.roles contains the 'controller' role, the node id ${c.nodeId} must be included in the set of voters controller.quorum.voters=${voterIds(c)}`, 'controller.quorum.voters');
  }
}

function checkControllerListenerBound(c: RoleInputs): void {
  if (c.controllerListenerNames.length === 0) {
    throw new ConfigError('controller.listener.names must contain at least one value appearing in the \'listeners\' configuration when running the KRaft controller role', 'controller.listener.names');
  }
  const missing = c.controllerListenerNames.filter((n) => !c.listeners.some((l) => l.name === n));
  if (missing.length > 0) {
    throw new ConfigError(`controller.listener.names must only contain values appearing in the 'listeners' configuration when running the KRaft controller role (${missing.join(',')} is not)`, 'controller.listener.names');
  }
}

function voterIds(c: RoleInputs): string {
  return `[${c.voters.map((v) => v.id).join(', ')}]`;
}
