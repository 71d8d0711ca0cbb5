import { once } from 'node:events'

// The I/O bound for `generate`: a trivial loop writing the same number of bytes to the
// same stdout stream, in 64 KiB chunks, honouring backpressure as generate must.

const total = Number(process.argv[2])
if (!Number.isSafeInteger(total) || total < 0) throw new Error('usage: raw-write.ts <bytes>')

const line = Buffer.from(`${'x'.repeat(255)}\n`)
const chunk = Buffer.alloc(64 * 1024)
for (let at = 0; at < chunk.length; at += line.length) line.copy(chunk, at)

let left = total
while (left > 0) {
  const piece = left >= chunk.length ? chunk : chunk.subarray(0, left)
  left -= piece.length
  if (!process.stdout.write(piece)) await once(process.stdout, 'drain')
}
