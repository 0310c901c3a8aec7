// Bundle entry of node host/cc.js.
import { ccMain } from '../cli/cc.js';

process.exitCode = ccMain(process.argv.slice(2));
