export type * from './api/types';
export { consoleOptionsSchema, type ConsoleOptions, type ConsoleSettings } from './server/console.options';
export { startConsole, type RunningConsole } from './server/console.app';
export { ConsoleError, ConsoleStartFailed, RequestInvalid, ResourceNotFound, UpstreamFailed, WebBuildFailed } from './server/errors';
export { buildConsoleWeb, WEB_ROOT, webBuildOutdated, type WebBuildOptions } from './server/web/web.build';
