/** fixtures/broken: each folder's planted errors are reported exactly where expect.json says. */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzePaths } from '../engine/lint/lint';
import { FIXTURES } from './helpers';

const BROKEN = path.join(FIXTURES, 'broken');

describe('fixtures/broken', () => {
  for (const name of fs.readdirSync(BROKEN).filter((n) => fs.statSync(path.join(BROKEN, n)).isDirectory())) {
    it(name, () => {
      const dir = path.join(BROKEN, name);
      const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expect.json'), 'utf8')) as { rule: string; file: string; line: number; column: number }[];
      const a = analyzePaths([dir], { cwd: dir });
      const got = a.diagnostics.map((d) => ({ rule: d.rule, file: d.file, line: d.range.start.line, column: d.range.start.column }));
      assert.deepEqual(got, expected);
    });
  }
});
