import assert from "node:assert/strict";
import { test } from "node:test";

import {
  ServerNotFound,
  resolveServerCommand,
  statusText,
  toInitializationOptions,
} from "../src/settings";

// A stand-in for vscode.WorkspaceConfiguration: real VS Code cannot run here.
function configuration(values: Record<string, unknown>) {
  return { get: <T>(key: string) => values[key] as T | undefined };
}

test("settings become initializationOptions, unset ones left to the server", () => {
  const options = toInitializationOptions(
    configuration({
      indexDir: "/data/index",
      catalog: false,
      modelPath: null,
      nGpuLayers: 0,
      targets: { python: "python_httpx" },
      candidates: 5,
      fillArguments: true,
      completionTrigger: "",
      "server.path": "/usr/bin/apicall",
    }),
  );
  assert.deepEqual(options, {
    indexDir: "/data/index",
    catalog: false,
    nGpuLayers: 0,
    targets: { python: "python_httpx" },
    candidates: 5,
    fillArguments: true,
  });
});

test("the configured executable wins", () => {
  const command = resolveServerCommand(
    configuration({ "server.path": "/opt/apicall/bin/apicall" }),
    () => "/usr/bin/apicall",
    () => true,
  );
  assert.deepEqual(command, { command: "/opt/apicall/bin/apicall", args: ["serve"] });
});

test("apicall on PATH, then the Python interpreter", () => {
  assert.deepEqual(
    resolveServerCommand(configuration({}), () => "/usr/local/bin/apicall", () => true),
    { command: "/usr/local/bin/apicall", args: ["serve"] },
  );
  assert.deepEqual(
    resolveServerCommand(
      configuration({ "server.pythonPath": "/venv/bin/python" }),
      () => undefined,
      () => true,
    ),
    { command: "/venv/bin/python", args: ["-m", "apicall", "serve"] },
  );
});

test("a clear error when apicall is not installed", () => {
  assert.throws(
    () => resolveServerCommand(configuration({}), () => undefined, () => false),
    (error: unknown) => error instanceof ServerNotFound && /not installed/.test(String(error)),
  );
  assert.throws(
    () => resolveServerCommand(configuration({ "server.path": "/nope" }), () => undefined, () => false),
    /missing file: \/nope/,
  );
});

test("status bar text", () => {
  assert.equal(statusText(undefined), "$(sync~spin) apicall");
  assert.equal(statusText({ operations: 125207, model: "ready" }), "$(plug) apicall: 125,207 ops, model ready");
});
