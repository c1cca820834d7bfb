// Maps a 422 answer's `fields[]` onto the props of an Element Plus form, so that each message
// shows at its own field; what has no field in the form is returned as `rest`.
import { ApiError } from '@/api/http'

export type FieldErrors = Record<string, string>

export interface MappedErrors {
  /** prop → message (several messages for one prop joined). */
  fields: FieldErrors
  /** Messages that belong to no field of the form. */
  rest: string[]
}

/**
 * @param err      the error thrown by the API client
 * @param props    the form item props present in the form
 * @param aliases  server field name → form prop, where they differ
 */
export function mapFieldErrors(err: unknown, props: readonly string[], aliases: Record<string, string> = {}): MappedErrors {
  const out: MappedErrors = { fields: {}, rest: [] }
  if (!(err instanceof ApiError)) {
    out.rest.push(err instanceof Error ? err.message : String(err))
    return out
  }
  for (const f of err.fields) {
    const prop = resolveProp(f.field, props, aliases)
    const msg = f.message || f.code
    if (prop) {
      out.fields[prop] = out.fields[prop] ? `${out.fields[prop]}；${msg}` : msg
    } else {
      out.rest.push(f.field ? `${f.field}: ${msg}` : msg)
    }
  }
  if (err.fields.length === 0 && err.message) out.rest.push(err.message)
  return out
}

function resolveProp(field: string, props: readonly string[], aliases: Record<string, string>): string | null {
  if (aliases[field]) return aliases[field]
  if (props.includes(field)) return field
  // "roles[2]" → "roles", "contact.phone" → "contact" (the closest form item)
  const base = field.split(/[.[]/)[0]
  if (aliases[base]) return aliases[base]
  if (props.includes(base)) return base
  return null
}

/** Empties an error record in place (keeps reactivity of the object). */
export function clearErrors(errors: FieldErrors): void {
  for (const k of Object.keys(errors)) delete errors[k]
}
