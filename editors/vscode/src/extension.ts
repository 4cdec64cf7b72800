import * as fs from "fs";
import * as path from "path";
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions as ClientServerOptions,
} from "vscode-languageclient/node";

import {
  ServerNotFound,
  resolveServerCommand,
  statusText,
  toInitializationOptions,
} from "./settings";

const LANGUAGES = [
  "python", "javascript", "typescript", "javascriptreact", "typescriptreact", "go", "java",
  "ruby", "php", "swift", "c", "shellscript", "csharp", "kotlin", "rust",
];

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let statusBar: vscode.StatusBarItem;

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (fs.existsSync(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const config = vscode.workspace.getConfiguration("apicall");
  let command;
  try {
    command = resolveServerCommand(config, findOnPath, (p) => fs.existsSync(p));
  } catch (error) {
    if (error instanceof ServerNotFound) {
      // Before the message: the message waits for the user, the status bar should not.
      statusBar.text = "$(error) apicall: not installed";
      const choice = await vscode.window.showErrorMessage(error.message, "Open README");
      if (choice) {
        // The README that ships inside the extension: readable offline, and always this version's.
        const readme = vscode.Uri.joinPath(context.extensionUri, "README.md");
        await vscode.commands.executeCommand("markdown.showPreview", readme);
      }
      return;
    }
    throw error;
  }
  const serverOptions: ClientServerOptions = { command: command.command, args: command.args };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.map((language) => ({ language })),
    initializationOptions: toInitializationOptions(config),
    outputChannel: output,
    synchronize: { configurationSection: "apicall" },
  };
  client = new LanguageClient("apicall", "apicall", serverOptions, clientOptions);
  // Inline completion (the ghost text) is a proposed feature in vscode-languageclient 9: without
  // this the client never asks the server for it.
  client.registerProposedFeatures();
  await client.start();
  await refreshStatus();
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

async function refreshStatus(): Promise<void> {
  if (!client) {
    return;
  }
  try {
    const report = await client.sendRequest<{ operations: number; model: string }>(
      "workspace/executeCommand",
      { command: "apicall.server.status", arguments: [{ quiet: true }] },
    );
    statusBar.text = statusText(report);
  } catch {
    statusBar.text = statusText(undefined);
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("apicall");
  statusBar = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  statusBar.text = statusText(undefined);
  statusBar.command = "apicall.showOutput";
  statusBar.show();
  context.subscriptions.push(output, statusBar);

  const serverCommand = (name: string) => async () => {
    await client?.sendRequest("workspace/executeCommand", { command: name, arguments: [] });
    await refreshStatus();
  };
  context.subscriptions.push(
    // The server's own commands are apicall.server.*: vscode-languageclient registers those
    // itself, and a second registration of one id makes activation fail.
    vscode.commands.registerCommand("apicall.indexWorkspace", serverCommand("apicall.server.indexWorkspace")),
    vscode.commands.registerCommand("apicall.reindex", serverCommand("apicall.server.reindex")),
    vscode.commands.registerCommand("apicall.status", serverCommand("apicall.server.status")),
    vscode.commands.registerCommand("apicall.showOutput", () => output.show()),
    vscode.commands.registerCommand("apicall.restartServer", async () => {
      await client?.stop();
      client = undefined;
      await start(context);
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
