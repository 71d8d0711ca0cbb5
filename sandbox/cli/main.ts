import { runCli } from './commands.ts'

// The only file that touches the process: argv, env, the real clock, exit codes.

// `bank-sandbox generate | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0)
  throw error
})
// Anything a command did not turn into an exit code is still one line, never a stack
// trace (BANK_SANDBOX_DEBUG=1 shows it).
const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  wallNow: Date.now,
}).catch((error: unknown) => {
  if (process.env.BANK_SANDBOX_DEBUG) console.error(error)
  const message = error instanceof Error ? error.message : String(error)
  process.stderr.write(`bank-sandbox: ${message.split('\n')[0]}\n`)
  return 1
})
if (code !== null) process.exitCode = code
