// Bundle entry of node host/run.js.
import { runMain } from '../cli/run.js';

await runMain(process.argv.slice(2));
