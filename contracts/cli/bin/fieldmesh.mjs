#!/usr/bin/env node
// The package ships TypeScript sources (no build step): tsx loads them in this process.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
