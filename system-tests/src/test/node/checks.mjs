// The checks of the client scripts: one line printed per check, and a summary that exits non-zero
// when any check failed (what the Java test runs them for).
const results = [];

export async function check(name, fn) {
  try {
    await fn();
    results.push([name, true]);
    console.log(`ok   ${name}`);
  } catch (e) {
    results.push([name, false]);
    // OpenRouter's SDK reports a response that breaks its schema as validation issues: name the first few
    const issues = e?.cause?.issues ?? e?.issues;
    console.log(`FAIL ${name}: ${e?.message || e}${issues ? ' ' + JSON.stringify(issues.slice(0, 6)) : ''}`);
  }
}

export function assert(cond, msg) { if (!cond) throw new Error(msg); }

export function finish() {
  const failed = results.filter(([, ok]) => !ok).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
