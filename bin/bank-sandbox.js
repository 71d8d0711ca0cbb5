#!/usr/bin/env node
// The command runs the built bundle: `npm ci` and `npm install` build it (`prepare`), and
// the published package ships it. In a checkout without it, say how to make it.
try {
  await import('../dist/bank-sandbox.mjs')
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('bank-sandbox.mjs'))
    throw error
  process.stderr.write(
    'bank-sandbox: the bundle (dist/bank-sandbox.mjs) is not built: run `npm run build`.\n',
  )
  process.exitCode = 1
}
