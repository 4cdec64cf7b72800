// Pure functions of the extension (no `vscode` import), so that they are unit-tested with node.

export interface ConfigurationLike {
  get<T>(section: string): T | undefined;
}

/** The server options, exactly as `apicall serve` reads them from initializationOptions. */
export const SERVER_OPTIONS = [
  "indexDir",
  "catalog",
  "modelPath",
  "nGpuLayers",
  "targets",
  "candidates",
  "fillArguments",
  "inlineCompletion",
  "inlineDebounceMs",
  "completionTrigger",
  "workspaceSpecs",
  "indexRefreshSeconds",
  "indexSnapshot",
] as const;

export type ServerOptions = Partial<Record<(typeof SERVER_OPTIONS)[number], unknown>>;

/** Settings -> initializationOptions: unset (null, undefined, empty string) values are left out,
 * so that the server applies its own defaults. */
export function toInitializationOptions(config: ConfigurationLike): ServerOptions {
  const options: ServerOptions = {};
  for (const name of SERVER_OPTIONS) {
    const value = config.get<unknown>(name);
    if (value === undefined || value === null || value === "") {
      continue;
    }
    options[name] = value;
  }
  return options;
}

export interface ServerCommand {
  command: string;
  args: string[];
}

export class ServerNotFound extends Error {}

/** The command that starts the server: the configured executable, else `apicall` on PATH,
 * else the configured Python with `-m apicall`. */
export function resolveServerCommand(
  config: ConfigurationLike,
  findOnPath: (name: string) => string | undefined,
  isFile: (path: string) => boolean,
): ServerCommand {
  const executable = (config.get<string>("server.path") ?? "").trim();
  if (executable) {
    if (!isFile(executable)) {
      throw new ServerNotFound(`apicall.server.path points to a missing file: ${executable}`);
    }
    return { command: executable, args: ["serve"] };
  }
  const onPath = findOnPath("apicall");
  if (onPath) {
    return { command: onPath, args: ["serve"] };
  }
  const python = (config.get<string>("server.pythonPath") ?? "").trim();
  if (python) {
    if (!isFile(python)) {
      throw new ServerNotFound(`apicall.server.pythonPath points to a missing file: ${python}`);
    }
    return { command: python, args: ["-m", "apicall", "serve"] };
  }
  throw new ServerNotFound(
    "apicall is not installed: install it (see the README) or set apicall.server.path",
  );
}

/** The status bar text for a status report of the server. */
export function statusText(report: { operations?: number; model?: string } | undefined): string {
  if (!report) {
    return "$(sync~spin) apicall";
  }
  const operations = (report.operations ?? 0).toLocaleString("en-US");
  return `$(plug) apicall: ${operations} ops, model ${report.model ?? "off"}`;
}
