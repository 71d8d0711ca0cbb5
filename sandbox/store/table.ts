// A table of the store: the view that reads come from, and the only way to change it.
// Every set or delete is recorded as a change for the engine to keep (memory, on disk or
// PostgreSQL). Records are values: a changed record is set again as a new object, never
// edited where it lies, so what the engine keeps is always what readers see.

export type TableName =
  | 'consents'
  | 'codes'
  | 'tokens'
  | 'cardStatus'
  | 'cardFreezes'
  | 'disputes'
  | 'partnerships'
  | 'faults'
  | 'alerts'
  | 'chat'
  | 'journal'
  | 'injected'
  | 'deliveries'
  | 'inbound'
  | 'taps'
  | 'linkBehaviour'
  | 'claimed'
  | 'settings'
  | 'clientKeys'
  | 'pushedRequests'
  | 'proofIds'
  | 'dpopNonces'
  | 'conversations'
  | 'optins'

/** One change: the record's new value, or null when it was deleted. */
export interface Change {
  table: TableName
  key: string
  value: unknown
}

export type Sink = (change: Change) => void

export class Table<V> implements Iterable<[string, V]> {
  readonly #rows = new Map<string, V>()

  constructor(
    readonly name: TableName,
    private readonly sink: Sink,
  ) {}

  get(key: string): V | undefined {
    return this.#rows.get(key)
  }
  has(key: string): boolean {
    return this.#rows.has(key)
  }
  get size(): number {
    return this.#rows.size
  }
  values(): IterableIterator<V> {
    return this.#rows.values()
  }
  keys(): IterableIterator<string> {
    return this.#rows.keys()
  }
  entries(): IterableIterator<[string, V]> {
    return this.#rows.entries()
  }
  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.#rows.entries()
  }

  set(key: string, value: V): this {
    this.#rows.set(key, value)
    this.sink({ table: this.name, key, value })
    return this
  }

  delete(key: string): boolean {
    if (!this.#rows.delete(key)) return false
    this.sink({ table: this.name, key, value: null })
    return true
  }

  /** Takes in a change that is already kept (loading, or another instance's write). */
  apply(key: string, value: V | null): void {
    if (value === null) this.#rows.delete(key)
    else this.#rows.set(key, value)
  }
}

/** A table of single facts, one typed row per name (`Settings`): no cast where one is read. */
export class SettingsTable<S extends object> extends Table<unknown> {
  override get<K extends keyof S & string>(key: K): S[K] | undefined {
    return super.get(key) as S[K] | undefined
  }
  override set<K extends keyof S & string>(key: K, value: S[K]): this {
    return super.set(key, value)
  }
}
