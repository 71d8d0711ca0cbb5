// What a command sees of the outside world: its streams, its environment and the wall
// clock. main.ts passes the process's; tests pass their own, so a command runs the same in
// both. A command that needs less takes a Pick of it.

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean }
  stderr: NodeJS.WritableStream & { isTTY?: boolean }
  env: Record<string, string | undefined>
  wallNow: () => number
}
