// The console importing a domain's main entry (its jobs, services, internals): must be rejected.
import { AlertService } from '@fieldmesh/domain-asset-health';

export const board = new AlertService();
