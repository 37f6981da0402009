// The console importing the module the domain publishes for it: accepted.
import { AlertService } from '@fieldmesh/domain-asset-health/alert-workflow';

export const board = new AlertService();
