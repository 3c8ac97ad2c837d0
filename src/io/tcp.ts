/**
 * TCP listeners, client connections and byte streams. The network layer sees only ByteStream, so a simulated network
 * can stand in for sockets; this file is the one place that imports node:net.
 */
import * as net from 'node:net';

export interface ByteStream {
  readonly remoteAddress: string;
  onData(fn: (chunk: Buffer) => void): void;
  onClose(fn: () => void): void;
  /** Writes chunks in order as one burst; returns false when the kernel buffer is full (see onDrain). */
  write(chunks: readonly Buffer[]): boolean;
  onDrain(fn: () => void): void;
  pause(): void;
  resume(): void;
  /** Closes the stream at once (a protocol violation or shutdown). */
  destroy(): void;
}

export interface Listener {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

function wrap(socket: net.Socket): ByteStream {
  socket.setNoDelay(true);
  return {
    remoteAddress: `${socket.remoteAddress}:${socket.remotePort}`,
    onData: (fn) => void socket.on('data', fn),
    onClose: (fn) => void socket.on('close', fn),
    write(chunks) {
      if (chunks.length === 1) return socket.write(chunks[0] as Buffer);
      socket.cork();
      let ok = true;
      for (const c of chunks) ok = socket.write(c) && ok;
      socket.uncork();
      return ok;
    },
    onDrain: (fn) => void socket.on('drain', fn),
    pause: () => void socket.pause(),
    resume: () => void socket.resume(),
    destroy: () => void socket.destroy(),
  };
}

/** Listens on host:port (port 0 picks a free one) and hands each accepted connection to onConnection. */
export function listenTcp(host: string, port: number, onConnection: (s: ByteStream) => void): Promise<Listener> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A reset from the peer is a normal end of a connection, not a broker error.
    socket.on('error', () => socket.destroy());
    onConnection(wrap(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: host === '' ? undefined : host, port }, () => {
      server.off('error', reject);
      const addr = server.address() as net.AddressInfo;
      resolve({
        host: addr.address,
        port: addr.port,
        close: () =>
          new Promise<void>((res) => {
            server.close(() => res());
            for (const s of sockets) s.destroy();
          }),
      });
    });
  });
}

/** A client-side stream: a ByteStream that also reports the socket's error (before its close). */
export interface ClientStream extends ByteStream {
  onError(fn: (e: Error) => void): void;
}

/** Why a connect failed, in words a user can act on. */
function connectProblem(e: NodeJS.ErrnoException): string {
  if (e.code === 'ECONNREFUSED') return 'connection refused (nothing listens there)';
  if (e.code === 'ENOTFOUND') return 'no such host';
  return e.message;
}

/**
 * Connects to host:port within `timeoutMs` (a black-holed address is an error, not a hang).
 * Rejects with an Error whose message says why (refused, no such host, timeout).
 */
export function connectTcp(host: string, port: number, timeoutMs: number): Promise<ClientStream> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      const errorFns: ((e: Error) => void)[] = [];
      socket.on('error', (e) => {
        for (const fn of errorFns) fn(e);
        socket.destroy();
      });
      resolve({ ...wrap(socket), onError: (fn) => void errorFns.push(fn) });
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new Error(connectProblem(e)));
    });
  });
}
