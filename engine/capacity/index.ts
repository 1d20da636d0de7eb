/**
 * Stage 4, capacity: sites in, what runs and what it costs out.
 *
 * Enters: Site documents. Leaves: schedulable capacity and packing (nova-capacity, after Nova
 * and Placement), prices and exchange rates (pricing), contention (allocation), autoscaling lag
 * (autoscaling); the resource classes are the model's (model/resource-classes); and Sites made
 * from a cloud's own inventory (openstack-import) or its live Placement API (placement-import),
 * signed in with Keystone (keystone-auth).
 */
export * from './nova-capacity';
export * from './pricing';
export * from './allocation';
export * from './autoscaling';
export * from './openstack-import';
export * from './placement-import';
export * from './keystone-auth';
