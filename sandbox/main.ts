import { runCli } from './cli.ts'

// The only file that touches the process: argv, env, the real clock, exit codes.

// `bank-sandbox generate | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0)
  throw error
})
const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  wallNow: Date.now,
})
if (code !== null) process.exitCode = code
