#!/usr/bin/env node
// The `wasock` command (the package's bin): wasock run|cc|relay|web|help|--version
import { launch } from './launch.js';
await launch('wasock');
