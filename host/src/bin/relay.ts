// Bundle entry of node host/relay.js.
import { relayMain } from '../cli/relay.js';

await relayMain(process.argv.slice(2));
