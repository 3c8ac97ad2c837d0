/**
 * A client adapter: how to tell whether a client is usable on this machine, which version it is,
 * and the handle its cells drive it through. One file per client family in this folder; the list
 * is clients/index.ts.
 */

/** The outcome of probing for a client: a handle and its version, or why it cannot be used. */
export type Detected<H> = { readonly handle: H; readonly version: string } | { readonly problem: string };

export interface ClientAdapter<H> {
  /** Column title, without version. */
  readonly title: string;
  /** What to do when it is missing. */
  readonly install: string;
  detect(): Promise<Detected<H>>;
  /**
   * Fetches and builds what the client needs into the user's cache, outside the repository (Maven
   * jars, Go modules, a PyPI virtualenv): `tributary compat --install-clients` and .ci/run call it.
   * Resolves to a problem, or undefined when the client is ready. Absent when there is nothing to
   * fetch this way (Debian packages come from apt-get).
   */
  prepare?(): Promise<string | undefined>;
}
