/**
 * A test-only extension: VS Code's server does not take --extensionTestsPath from a web client,
 * so this extension, installed beside Headroom in a throw-away extensions folder, runs the suite
 * in the same extension host once startup has finished, and writes the results file.
 */
import * as vscode from 'vscode';
import { run } from '.';

export function activate(): void {
  if (!process.env.HEADROOM_TEST_RESULTS) return;
  void run().then(
    () => vscode.window.setStatusBarMessage('Headroom tests passed'),
    (e: Error) => vscode.window.setStatusBarMessage(`Headroom tests failed: ${e.message}`),
  );
}
