#!/usr/bin/env node
// Compiles C to wasm32-wasi with the libsock overlay: node host/cc.js [cc args] file.c -o file.wasm
import { launch } from './launch.js';
await launch('cc');
