// Parses `listeners` / `advertised.listeners`, `listener.security.protocol.map` and
// `controller.quorum.voters` with Kafka's syntax and checks.
//
// Listener syntax is Kafka's endpoint regex `NAME://host:port`, host optionally in [brackets] for
// IPv6. An empty host means "all interfaces" (Kafka binds the wildcard address); port 0 means an
// ephemeral port, which the embedded test broker relies on. Names are normalised to upper case, as
// Kafka's ListenerName.normalised does, and must be unique.

import { ConfigError, invalidValueMessage } from './config-error.js';

export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
export const SECURITY_PROTOCOLS: readonly SecurityProtocol[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];

export interface Listener {
  readonly name: string;
  /** '' = all interfaces (bind only; see advertised-listener rules). */
  readonly host: string;
  /** 0 = ephemeral. */
  readonly port: number;
  readonly securityProtocol: SecurityProtocol;
}

export interface QuorumVoter {
  readonly id: number;
  readonly host: string;
  readonly port: number;
}

const ENDPOINT = /^(.*):\/\/\[?([0-9a-zA-Z\-%._:]*?)\]?:(-?[0-9]+)$/;

/** Parses a comma-separated listener list; `key` is the config it came from (for messages). */
export function parseListeners(key: string, value: string, protocolMap: ReadonlyMap<string, SecurityProtocol>): Listener[] {
  const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const listeners = items.map((item) => parseEndpoint(key, item, protocolMap));
  const seen = new Set<string>();
  for (const l of listeners) {
    if (seen.has(l.name)) throw new ConfigError(invalidValueMessage(key, value, `Each listener must have a different name, ${l.name} is repeated`), key);
    seen.add(l.name);
  }
  return listeners;
}

function parseEndpoint(key: string, item: string, protocolMap: ReadonlyMap<string, SecurityProtocol>): Listener {
  const m = ENDPOINT.exec(item);
  if (!m || m[1] === undefined || m[2] === undefined || m[3] === undefined || m[1] === '') {
    throw new ConfigError(invalidValueMessage(key, item, 'listener must be NAME://host:port (host may be empty, IPv6 in [brackets])'), key);
  }
  const name = m[1].toUpperCase();
  const port = Number(m[3]);
  if (port < 0 || port > 65535) throw new ConfigError(invalidValueMessage(key, item, `port ${port} is not in 0..65535`), key);
  const securityProtocol = protocolMap.get(name);
  if (securityProtocol === undefined) {
    throw new ConfigError(invalidValueMessage(key, item, `no security protocol defined for listener ${name} (set listener.security.protocol.map)`), key);
  }
  return { name, host: m[2], port, securityProtocol };
}

/** An HTTP endpoint (the metrics listener): host '' = all interfaces, port 0 = ephemeral. */
export interface HttpListener {
  readonly host: string;
  readonly port: number;
}

const HTTP_ENDPOINT = /^http:\/\/\[?([0-9a-zA-Z\-%._:]*?)\]?:([0-9]+)\/?$/i;

/** `http://host:port,…` (the listeners syntax with an http scheme); '' = none. */
export function parseHttpListeners(key: string, value: string): HttpListener[] {
  const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const out = items.map((item) => {
    const m = HTTP_ENDPOINT.exec(item);
    if (!m || m[1] === undefined || m[2] === undefined) throw new ConfigError(invalidValueMessage(key, item, 'must be http://host:port (host may be empty, IPv6 in [brackets]); an empty value turns it off'), key);
    const port = Number(m[2]);
    if (port > 65535) throw new ConfigError(invalidValueMessage(key, item, `port ${port} is not in 0..65535`), key);
    return { host: m[1], port };
  });
  const seen = new Set<string>();
  for (const l of out) {
    const id = `${l.host}:${l.port}`;
    if (l.port !== 0 && seen.has(id)) throw new ConfigError(invalidValueMessage(key, value, `${id} appears twice`), key);
    seen.add(id);
  }
  return out;
}

/** `NAME:PROTOCOL,…` → map of upper-cased listener names. */
export function parseSecurityProtocolMap(value: string): Map<string, SecurityProtocol> {
  const key = 'listener.security.protocol.map';
  const map = new Map<string, SecurityProtocol>();
  for (const item of value.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const [name, protocol, ...rest] = item.split(':').map((s) => s.trim());
    if (!name || !protocol || rest.length > 0) throw new ConfigError(invalidValueMessage(key, value, `entry "${item}" must be NAME:PROTOCOL`), key);
    const upper = protocol.toUpperCase();
    if (!(SECURITY_PROTOCOLS as readonly string[]).includes(upper)) {
      throw new ConfigError(invalidValueMessage(key, value, `unknown security protocol ${protocol} (one of ${SECURITY_PROTOCOLS.join(', ')})`), key);
    }
    const normalised = name.toUpperCase();
    if (map.has(normalised)) throw new ConfigError(invalidValueMessage(key, value, `listener ${normalised} appears twice`), key);
    map.set(normalised, upper as SecurityProtocol);
  }
  return map;
}

/** `id@host:port,…` (Kafka's QuorumConfig.parseVoterConnections). */
export function parseQuorumVoters(value: readonly string[]): QuorumVoter[] {
  const key = 'controller.quorum.voters';
  return value.map((item) => {
    const m = /^(-?\d+)@\[?([^\]@]*?)\]?:(\d+)$/.exec(item);
    if (!m || m[1] === undefined || m[2] === undefined || m[3] === undefined || m[2] === '') {
      throw new ConfigError(invalidValueMessage(key, item, 'voter must be {id}@{host}:{port}'), key);
    }
    const id = Number(m[1]);
    const port = Number(m[3]);
    if (id < 0) throw new ConfigError(invalidValueMessage(key, item, 'voter id must be non-negative'), key);
    if (port > 65535) throw new ConfigError(invalidValueMessage(key, item, `port ${port} is not in 0..65535`), key);
    return { id, host: m[2], port };
  });
}
