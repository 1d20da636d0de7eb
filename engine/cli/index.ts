/**
 * The command line: argv in, text, files and exit codes out (every stage above, in order).
 */
export { main } from './cli';
