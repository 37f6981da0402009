export interface Answer {
  status: number;
  body: unknown;
}

/**
 * GETs from the console at the URL the main job printed, as the governance lead with the token it printed
 * (`text` is the run's output so far); a failed request answers status 0 and its error.
 */
export function printedConsole(text: string): (path: string) => Promise<Answer> {
  const consoleUrl = /^Console: (\S+)/m.exec(text)?.[1];
  const lead = /^ {2}governance lead: +(\S+)$/m.exec(text)?.[1];
  return async (path) => {
    try {
      const response = await fetch(`${consoleUrl}${path}`, { headers: { authorization: `Bearer ${lead}` }, signal: AbortSignal.timeout(30_000) });
      return { status: response.status, body: await response.json() };
    } catch (error) {
      return { status: 0, body: String(error) };
    }
  };
}
