// Desktop VS Code (a developer's laptop or online CI): the same in-editor Mocha suite through
// @vscode/test-cli / @vscode/test-electron, which download VS Code. Offline machines run the
// suite through code-server instead (test/vscode.test.ts, part of `npm test`).
import { defineConfig } from '@vscode/test-cli';
import { cpSync, mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const workspace = mkdtempSync(join(tmpdir(), 'headroom-desktop-'));
cpSync('fixtures/toss-hybrid', workspace, { recursive: true });

export default defineConfig({
  files: 'dist/extension-test/suite/*.test.js',
  extensionDevelopmentPath: 'extension',
  workspaceFolder: workspace,
  mocha: { ui: 'bdd', timeout: 120000 },
  launchArgs: ['--disable-workspace-trust'],
});
