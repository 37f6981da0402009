// The simulator may use the platform only: importing a domain must be rejected.
import { alphaProduct } from '@fixture/alpha';

export const simulated = [alphaProduct];
