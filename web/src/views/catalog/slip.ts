// The rows of the acceptance slip editor (受理单): entries with a local id and a row error.
import type { Slip, SlipEntryInput, SlipEntryKind } from '@/api'

export interface SlipRow {
  uid: number
  key?: string
  kind: SlipEntryKind
  text: string
  required: boolean
  error?: string
}

let uid = 0

export function newRow(kind: SlipEntryKind): SlipRow {
  return { uid: ++uid, kind, text: '', required: true }
}

export function rowsOf(s: Slip | null | undefined): SlipRow[] {
  return (s?.entries ?? []).map((e) => ({ uid: ++uid, key: e.key, kind: e.kind, text: e.text, required: e.required }))
}

/** Marks empty rows; true when every row has its text. */
export function checkRows(rows: SlipRow[], emptyMessage: string): boolean {
  let ok = true
  for (const r of rows) {
    r.error = r.text.trim() ? undefined : emptyMessage
    if (r.error) ok = false
  }
  return ok
}

export function entriesOf(rows: readonly SlipRow[]): SlipEntryInput[] {
  return rows.map((r) => ({ ...(r.key ? { key: r.key } : {}), kind: r.kind, text: r.text.trim(), required: r.required }))
}

/** Puts the server's "slip[2].text" / "entries[2].text" messages on their rows; the others are returned. */
export function placeRowErrors<F extends { field: string; message: string }>(rows: SlipRow[], fields: readonly F[]): F[] {
  const rest: F[] = []
  for (const f of fields) {
    const hit = /^(?:entries|slip)\[(\d+)\]/.exec(f.field)
    if (hit && rows[Number(hit[1])]) rows[Number(hit[1])].error = f.message
    else rest.push(f)
  }
  return rest
}
