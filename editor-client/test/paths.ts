/** Paths of the sources the compiled tests (out/test) read. */
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');
