// A test beside the code may use the test helpers.
import { REPO_ROOT } from '@fieldmesh/testing';

export const root = REPO_ROOT;
