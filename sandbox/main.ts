import { runCli } from './cli.ts'

// The only file that touches the process: argv, env, the real clock, exit codes.
const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  wallNow: Date.now,
})
if (code !== null) process.exitCode = code
