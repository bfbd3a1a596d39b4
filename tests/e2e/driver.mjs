// A headless Chromium driven line by line from pytest
// (tests/test_console_e2e.py), so the test can interleave browser checks with
// boto3 calls against the same server.
//
// Protocol: one JSON command per stdin line, one JSON answer per stdout line:
//   {"op": "goto", "url": U}                      -> {"ok": true}
//   {"op": "wait", "selector": S, "timeout": ms}  -> {"ok": true} once S is attached
//   {"op": "wait_gone", "selector": S}            -> {"ok": true} once S is gone
//   {"op": "wait_js", "js": EXPR}                 -> {"ok": true, "value": V} once EXPR is truthy
//   {"op": "click", "selector": S}                -> {"ok": true}
//   {"op": "select", "selector": S, "value": V}   -> {"ok": true}
//   {"op": "fill", "selector": S, "value": V}     -> {"ok": true}
//   {"op": "eval", "js": EXPR}                    -> {"ok": true, "value": V}
//   {"op": "screenshot", "path": P}               -> {"ok": true}
//   {"op": "close"}
// Failures answer {"ok": false, "error": "..."}; browser console errors are
// reported in every answer's "console" list so the test can fail on them.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xvpc-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1600, height: 1000 },
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
const page = context.pages()[0] || await context.newPage();
let consoleErrors = [];
page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
page.on('pageerror', (e) => consoleErrors.push(String(e)));

const DEFAULT_TIMEOUT = 10000;

async function run(cmd) {
  const timeout = cmd.timeout || DEFAULT_TIMEOUT;
  switch (cmd.op) {
    case 'goto': await page.goto(cmd.url, { timeout }); return {};
    case 'wait': await page.waitForSelector(cmd.selector, { state: 'attached', timeout }); return {};
    case 'wait_gone': await page.waitForSelector(cmd.selector, { state: 'detached', timeout }); return {};
    case 'wait_js': {
      const h = await page.waitForFunction(cmd.js, null, { timeout, polling: 100 });
      return { value: await h.jsonValue() };
    }
    case 'click': await page.click(cmd.selector, { timeout }); return {};
    case 'select': await page.selectOption(cmd.selector, cmd.value, { timeout }); return {};
    case 'fill': await page.fill(cmd.selector, String(cmd.value), { timeout }); return {};
    case 'eval': return { value: await page.evaluate(cmd.js) };
    case 'screenshot': await page.screenshot({ path: cmd.path, fullPage: true }); return {};
    default: throw new Error('unknown op ' + cmd.op);
  }
}

const rl = readline.createInterface({ input: process.stdin });
for await (const line of rl) {
  if (!line.trim()) continue;
  const cmd = JSON.parse(line);
  if (cmd.op === 'close') break;
  let answer;
  try {
    answer = { ok: true, ...(await run(cmd)) };
  } catch (e) {
    answer = { ok: false, error: String(e && e.message || e) };
  }
  answer.console = consoleErrors;
  consoleErrors = [];
  process.stdout.write(JSON.stringify(answer) + '\n');
}
await context.close();
fs.rmSync(userDataDir, { recursive: true, force: true });
