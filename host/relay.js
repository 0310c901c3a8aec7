#!/usr/bin/env node
// Serves the demo page and the WebSocket relay: node host/relay.js [--port N] [--allow-net[=LIST]] [--listen-ports LO-HI]
import { launch } from './launch.js';
await launch('relay');
