/**
 * Entry of the Mocha suite that runs inside a real VS Code extension host (code-server offline,
 * or desktop VS Code through @vscode/test-electron). VS Code calls run(); results also go to the
 * JSON file named by HEADROOM_TEST_RESULTS so a runner outside the editor can read them.
 */
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 120000, color: false, reporter: 'spec' });
  for (const f of fs.readdirSync(__dirname).filter((n) => n.endsWith('.test.js')).sort()) mocha.addFile(path.join(__dirname, f));
  const resultsFile = process.env.HEADROOM_TEST_RESULTS;
  return new Promise((resolve, reject) => {
    const results: { title: string; state: string; error?: string }[] = [];
    const runner = mocha.run((failures) => {
      if (resultsFile) fs.writeFileSync(resultsFile, JSON.stringify({ failures, results }, null, 2));
      failures ? reject(new Error(`${failures} test(s) failed`)) : resolve();
    });
    runner.on('pass', (t) => results.push({ title: t.fullTitle(), state: 'passed' }));
    runner.on('fail', (t, err) => results.push({ title: t.fullTitle(), state: 'failed', error: String(err?.stack ?? err) }));
  });
}
