// Collects output into ~64 KB chunks and writes them with backpressure, so an export
// of any size holds at most one chunk (plus what the stream buffers) in memory.
import { once } from 'node:events'

export const CHUNK_CHARS = 64 * 1024

export class ChunkedWriter {
  private parts: string[] = []
  private size = 0

  constructor(private readonly out: NodeJS.WritableStream) {}

  push(text: string): void {
    this.parts.push(text)
    this.size += text.length
  }

  get full(): boolean {
    return this.size >= CHUNK_CHARS
  }

  /** Writes what is buffered; resolves once the stream can take more. */
  async flush(): Promise<void> {
    if (this.size === 0) return
    const chunk = this.parts.join('')
    this.parts = []
    this.size = 0
    if (!this.out.write(chunk)) await once(this.out, 'drain')
  }
}
