// Runtime code using the test helpers: must be rejected.
import { REPO_ROOT } from '@fieldmesh/testing';

export const root = REPO_ROOT;
