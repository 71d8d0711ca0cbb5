// Preloaded into the soak's server (`node --expose-gc --import bench/heap-probe.mjs …`), so
// the product carries no probe of its own: on SIGUSR2 it collects all garbage and prints
// what is left on the heap, which the soak reads from the server's stdout.
process.on('SIGUSR2', () => {
  globalThis.gc?.()
  globalThis.gc?.()
  process.stdout.write(`heap-after-gc ${process.memoryUsage().heapUsed}\n`)
})
