/**
 * What the controller-only APIs (BrokerRegistration, BrokerHeartbeat, AlterPartition) share: they
 * run on the active controller's ClusterControl, and anywhere else (no ClusterControl on this node,
 * or the metadata quorum is led elsewhere) answer NOT_CONTROLLER so the broker looks for the
 * active controller.
 */
import type { ClusterControl } from '../../controller/cluster-control.js';
import { NotControllerError, type ControllerCommand } from '../../controller/controller.js';
import type { RequestContext } from '../context.js';

export async function onActiveController<T>(ctx: RequestContext, call: (control: ClusterControl) => Promise<T>, notController: () => T): Promise<T> {
  const control = ctx.broker.clusterControl;
  if (control === undefined) return notController();
  try {
    return await call(control);
  } catch (e) {
    if (e instanceof NotControllerError) return notController();
    throw e;
  }
}

/**
 * Runs a client's controller command here (a forwarded request, or one this broker could not
 * forward): when this node is not the active controller after all, `notController` answers
 * NOT_CONTROLLER for each item, so the client looks for the controller again (Kafka's answer)
 * instead of losing its connection.
 */
export async function runAsController<T>(ctx: RequestContext, command: ControllerCommand<T>, notController: (message: string) => T): Promise<T> {
  try {
    return await ctx.broker.controller.run(command);
  } catch (e) {
    if (e instanceof NotControllerError) return notController(e.message);
    throw e;
  }
}
