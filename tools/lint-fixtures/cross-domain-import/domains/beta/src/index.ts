// A domain importing another domain's code: the module-boundary rule must reject this.
import { alphaProduct } from '@fixture/alpha';

export const derivedFrom = [alphaProduct];
