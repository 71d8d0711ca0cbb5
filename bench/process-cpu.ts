import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

// The CPU time a server child has used, user and system, as Linux counts it in
// /proc/<pid>/stat. A server's CPU per request is what it costs to answer, whatever the
// load generator manages: on 2 cores the generator is itself near saturation on 16 KB
// pages, so req/s mixes the two, while CPU per request is the server's alone.

let ticksPerSecond: number | null | undefined

function clockTicks(): number | null {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || null
    } catch {
      ticksPerSecond = null
    }
  }
  return ticksPerSecond
}

/** CPU seconds `pid` has used so far, or null where /proc cannot say (not Linux, or gone). */
export function cpuSecondsOf(pid: number | undefined): number | null {
  const ticks = clockTicks()
  if (pid === undefined || ticks === null) return null
  try {
    // Fields after the command name (which may hold spaces), from field 3: utime is 14, stime 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / ticks
  } catch {
    return null
  }
}
