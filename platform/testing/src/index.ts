export { ensureChromium, launchBrowser, type LaunchBrowserOptions, type TestBrowser } from './chromium.browser';
export type { BrowserContext, Locator, Page } from 'playwright-core';
export { openChdbClient, type ChdbClient, type ChdbClientOptions } from './chdb.client';
// The independent oneM2M CSE (ACME, from PyPI) and a device AE writing to it over plain HTTP.
export { AcmeCse } from './acme.cse';
export { DeviceWriter } from './onem2m.device';
// An independent LwM2M client: Eclipse Leshan's client library (Maven Central) with IPSO sensor objects.
export { ensureLeshanDevice, LESHAN_VERSION, LeshanDevice } from './leshan.device';
// The stack the global setup started, for tests that stop, kill or restart its services or need its paths.
export {
  LOCAL_STACK_DIR,
  REPO_ROOT,
  SERVICE_NAMES,
  ServiceInstallError,
  ServiceStartError,
  Stack,
  StackStateError,
  TEST_STACKS_DIR,
  UnknownServiceError,
  attachStack,
  defaultCacheDir,
  defaultServices,
  findFreePort,
  logTail,
  removeAbandonedStacks,
  runningStack,
  startMosquitto,
  startStack,
  type MosquittoInstance,
  type MosquittoTlsOptions,
  type ServiceName,
  type ServiceStatus,
  type StackAddresses,
  type StackLifetime,
  type StartMosquittoOptions,
  type StartStackOptions,
} from '@fieldmesh/stack';
