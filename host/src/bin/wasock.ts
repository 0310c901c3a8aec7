// Bundle entry of the `wasock` command.
import { wasockMain } from '../cli/wasock.js';

await wasockMain(process.argv.slice(2));
