#!/usr/bin/env node
// The gated-g2p command: runs the compiled CLI in dist/ (src/cli.ts; `pnpm build` writes it).
// It lives outside dist/ so that a fresh workspace install, before any build, can link the bin.
import '../dist/cli.js';
