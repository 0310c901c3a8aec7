#!/usr/bin/env node
// Runs a wasm32-wasi socket program: node host/run.js [options] prog.wasm [args...]
import { launch } from './launch.js';
await launch('run');
