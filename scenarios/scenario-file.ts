import { readFile } from 'node:fs/promises'
import { type Document, isNode, LineCounter, parseDocument, stringify, visit } from 'yaml'
import type { z } from 'zod'
import { Expectation, Scenario, Step } from './schema.ts'

// Scenario files: a user's own scenario in YAML or JSON, validated by the very schema the
// built-ins are (schema.ts). JSON is read by the YAML parser too (YAML 1.2 contains it), so
// both kinds of file map every problem back to a line the same way.

/** One thing wrong with a file: where it is, and what. */
export interface FileProblem {
  file: string
  line: number
  /** The field, as a dotted path (`steps.2.role`); empty for a syntax error. */
  path: string
  message: string
}

export type LoadedFile = { ok: true; scenario: Scenario } | { ok: false; problems: FileProblem[] }

/** True for an argument that names a scenario file rather than a built-in scenario. */
export function isScenarioFile(arg: string): boolean {
  return /\.(ya?ml|json)$/i.test(arg)
}

export async function loadScenarioFile(file: string): Promise<LoadedFile> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message
    return { ok: false, problems: [{ file, line: 0, path: '', message: `cannot read it: ${reason}` }] }
  }
  return parseScenarioText(text, file)
}

/** Parses and validates a scenario file's text; every problem carries its line. */
export function parseScenarioText(text: string, file = 'scenario'): LoadedFile {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  if (doc.errors.length > 0)
    return {
      ok: false,
      problems: doc.errors.map((e) => ({
        file,
        line: e.linePos?.[0].line ?? 1,
        path: '',
        message: e.message.split('\n')[0] ?? e.message,
      })),
    }
  let value: unknown
  try {
    // toJS resolves aliases: one with no anchor, or too many of them (a "billion laughs"), throws.
    value = doc.toJS({ maxAliasCount: 1000 })
  } catch (error) {
    const line = firstUnresolvedAlias(doc, lines) ?? 1
    return { ok: false, problems: [{ file, line, path: '', message: (error as Error).message }] }
  }
  const parsed = Scenario.safeParse(value)
  if (parsed.success) return { ok: true, scenario: parsed.data }
  const lineOf = (path: PropertyKey[]): number => {
    // The deepest node that exists on the path: a missing field is reported at its parent.
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as unknown[], true)
      if (isNode(node) && node.range) return lines.linePos(node.range[0]).line
    }
    return 1
  }
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => ({
      file,
      line: lineOf(issue.path),
      path: issue.path.join('.'),
      message: describe(issue),
    })),
  }
}

function firstUnresolvedAlias(doc: Document, lines: LineCounter): number | undefined {
  let line: number | undefined
  visit(doc, {
    Alias(_, node) {
      if (node.resolve(doc) || !node.range) return
      line = lines.linePos(node.range[0]).line
      return visit.BREAK
    },
  })
  return line
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
    const union =
      issue.path[0] === 'steps' ? Step : issue.path[0] === 'expectations' ? Expectation : undefined
    const kinds = union?.options.map((option) => option.shape.kind.value)
    return `unknown ${String(issue.discriminator)}${kinds ? `; one of ${kinds.join(', ')}` : ''}`
  }
  return issue.message
}

/** `file:line: path: message`, one line a problem, in file order. */
export function formatProblems(problems: readonly FileProblem[]): string {
  return problems
    .map((p) => `${p.file}${p.line > 0 ? `:${p.line}` : ''}: ${p.path ? `${p.path}: ` : ''}${p.message}`)
    .join('\n')
    .concat('\n')
}

/** A scenario as a YAML file, the form users write; `parseScenarioText` reads it back. */
export function scenarioToYaml(scenario: Scenario, header?: string): string {
  const body = stringify(scenario, { lineWidth: 100 })
  const comment = header
    ? `${header
        .split('\n')
        .map((line) => `# ${line}`.trimEnd())
        .join('\n')}\n`
    : ''
  return `# yaml-language-server: $schema=http://127.0.0.1:4545/schemas/scenario.json\n${comment}${body}`
}
