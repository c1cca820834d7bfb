// Pure helpers of the enterprise portal (线上办事): who is a portal user, how its requests are
// counted by state, which slip materials a 补正 asks for, and the checks of a file before it is
// uploaded.
import type { Attachment, RequestState, SlipEntry } from '@/api'

/** The permission of an enterprise (portal) account. */
export const PORTAL_PERMISSION = 'portal.use'
export const PORTAL_HOME = '/portal'
export const STAFF_HOME = '/dashboard'

/** A portal user: holds `portal.use` and reads no requests as staff do. */
export function isPortalUser(permissions: readonly string[]): boolean {
  return permissions.includes(PORTAL_PERMISSION) && !permissions.includes('request.read')
}

/** Where a user starts: the portal home for an enterprise, the staff dashboard for the others. */
export function homePath(permissions: readonly string[]): string {
  return isPortalUser(permissions) ? PORTAL_HOME : STAFF_HOME
}

// ---------------------------------------------------------------- requests by state

/** The states as an enterprise follows them: 办结 and 出件 count together. (`accepted` is a
 * state of the UI model only: the server answers in_progress once a request is accepted.) */
export type PortalStateGroup = 'received' | 'in_progress' | 'awaiting_materials' | 'suspended' | 'completed' | 'refused'

export const PORTAL_STATE_GROUPS: { key: PortalStateGroup; states: RequestState[] }[] = [
  { key: 'received', states: ['received'] },
  { key: 'in_progress', states: ['in_progress'] },
  { key: 'awaiting_materials', states: ['awaiting_materials'] },
  { key: 'suspended', states: ['suspended'] },
  { key: 'completed', states: ['completed', 'delivered'] },
  { key: 'refused', states: ['refused'] },
]

/** The server's states of a group (the `state` filter of /api/requests, comma-separated). */
export function groupStates(key: string): string {
  const g = PORTAL_STATE_GROUPS.find((x) => x.key === key)
  return g ? g.states.join(',') : ''
}

export function isStateGroup(key: unknown): key is PortalStateGroup {
  return typeof key === 'string' && PORTAL_STATE_GROUPS.some((g) => g.key === key)
}

export type StateCounts = Record<PortalStateGroup, number> & { total: number }

/** The list endpoint as the counts need it (api.requests.list, or a fake in the tests). */
export type CountListFn = (q: Record<string, string | number>) => Promise<{ total: number }>

/** How many requests of the enterprise are in each state group (one small query a group). */
export async function countByState(list: CountListFn): Promise<StateCounts> {
  const [all, ...groups] = await Promise.all([
    list({ page_size: 1 }),
    ...PORTAL_STATE_GROUPS.map((g) => list({ state: groupStates(g.key), page_size: 1 })),
  ])
  const out = { total: all.total } as StateCounts
  PORTAL_STATE_GROUPS.forEach((g, i) => (out[g.key] = groups[i].total))
  return out
}

// ---------------------------------------------------------------- slip materials and attachments

/** The slip entries a 补正 asks for, in the slip's order; keys the slip does not know are kept as text. */
export function missingMaterials(entries: readonly SlipEntry[] | null | undefined, missing: readonly string[] | null | undefined): SlipEntry[] {
  const want = new Set(missing ?? [])
  if (want.size === 0) return []
  const list = entries ?? []
  const known = list.filter((e) => want.has(e.key))
  const unknown = [...want].filter((k) => !list.some((e) => e.key === k)).map((k) => ({ key: k, kind: 'material' as const, text: k, required: true }))
  return [...known, ...unknown]
}

/** The materials of a slip (the entries a file answers). */
export function materialEntries(entries: readonly SlipEntry[] | null | undefined): SlipEntry[] {
  return (entries ?? []).filter((e) => e.kind === 'material')
}

/** Attachments grouped by the slip entry they answer ('' = other materials), newest last. */
export function attachmentsByEntry(list: readonly Attachment[] | null | undefined): Map<string, Attachment[]> {
  const out = new Map<string, Attachment[]>()
  const sorted = [...(list ?? [])].sort((a, b) => a.created_at.localeCompare(b.created_at))
  for (const a of sorted) {
    const k = a.entry_key ?? ''
    const arr = out.get(k)
    if (arr) arr.push(a)
    else out.set(k, [a])
  }
  return out
}

/** "856 B", "12.5 KB", "3.2 MB". */
export function formatFileSize(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return '—'
  if (bytes < 1024) return `${bytes} B`
  const kb = bytes / 1024
  if (kb < 1024) return `${kb < 10 ? kb.toFixed(1) : Math.round(kb)} KB`
  const mb = kb / 1024
  return `${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB`
}

/** The file types the server takes for materials. */
export const ATTACHMENT_EXTENSIONS = ['pdf', 'ofd', 'jpg', 'jpeg', 'png', 'doc', 'docx', 'xls', 'xlsx', 'zip']
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
/** The `accept` attribute of the file inputs. */
export const ATTACHMENT_ACCEPT = ATTACHMENT_EXTENSIONS.map((e) => `.${e}`).join(',')

export type FileProblem = 'type' | 'size' | 'empty'

/** Why the server would refuse the file (checked before uploading), or null. */
export function fileProblem(file: { name: string; size: number }): FileProblem | null {
  const dot = file.name.lastIndexOf('.')
  const ext = dot >= 0 ? file.name.slice(dot + 1).toLowerCase() : ''
  if (!ATTACHMENT_EXTENSIONS.includes(ext)) return 'type'
  if (file.size <= 0) return 'empty'
  if (file.size > ATTACHMENT_MAX_BYTES) return 'size'
  return null
}

// ---------------------------------------------------------------- printable documents

/** Which printable document a request has: the receipt once accepted, the notice once refused. */
export function printable(r: { state: RequestState; accepted_on?: string | null; deadline?: string | null }): 'receipt' | 'refusal' | null {
  if (r.state === 'refused') return 'refusal'
  if (r.state === 'received') return null
  return r.accepted_on || r.deadline ? 'receipt' : null
}

/** Whether the enterprise may still attach materials (the server's rule). */
export function mayAttach(state: RequestState): boolean {
  return state === 'received' || state === 'awaiting_materials'
}

// ---------------------------------------------------------------- the guide's categories

export interface GuideCategory {
  code: string
  name: string
  count: number
}

/** The categories the items fall in, in the order first met, with how many items each has. */
export function categoriesOf(items: readonly { category_code?: string | null; category_name?: string | null }[]): GuideCategory[] {
  const out: GuideCategory[] = []
  for (const i of items) {
    const code = i.category_code ?? ''
    if (!code) continue
    const c = out.find((x) => x.code === code)
    if (c) c.count++
    else out.push({ code, name: i.category_name || code, count: 1 })
  }
  return out
}

/** The note of the last 补正 request (what the officer wrote), or ''. */
export function materialsNote(events: readonly { kind: string; at: string; note: string | null }[] | null | undefined): string {
  const last = [...(events ?? [])].filter((e) => e.kind === 'request_materials').sort((a, b) => a.at.localeCompare(b.at)).pop()
  return last?.note?.trim() ?? ''
}

// ---------------------------------------------------------------- progress of a request

export type ProgressStep = 'submitted' | 'accepted' | 'processing' | 'completed' | 'delivered' | 'refused'

export interface Progress {
  steps: ProgressStep[]
  /** The index of the current step (steps.length when all are done), as el-steps takes it. */
  active: number
  /** How the current step shows: error for a refusal, finish when all is done. */
  status: 'process' | 'error' | 'finish'
}

/** The steps an enterprise sees its request go through (出件 only for items delivered at a window). */
export function progressOf(state: RequestState, withDelivery: boolean): Progress {
  if (state === 'refused') return { steps: ['submitted', 'refused'], active: 1, status: 'error' }
  const steps: ProgressStep[] = ['submitted', 'accepted', 'processing', 'completed']
  if (withDelivery) steps.push('delivered')
  switch (state) {
    case 'received':
      return { steps, active: 1, status: 'process' }
    case 'accepted':
    case 'in_progress':
    case 'awaiting_materials':
    case 'suspended':
      return { steps, active: 2, status: 'process' }
    case 'completed':
      return withDelivery ? { steps, active: 4, status: 'process' } : { steps, active: steps.length, status: 'finish' }
    case 'delivered':
      return { steps, active: steps.length, status: 'finish' }
    default:
      return { steps, active: 0, status: 'process' }
  }
}

/**
 * The item's free-text conditions, unless the slip's condition entries already say the same
 * (the demo catalog repeats them): '' then, so that the guide does not show them twice.
 */
export function conditionsText(text: string | null | undefined, entries: readonly SlipEntry[] | null | undefined): string {
  const t = (text ?? '').trim()
  if (!t) return ''
  const norm = (s: string) => s.replace(/[\s；;。.、,，]+/g, '')
  const conds = (entries ?? []).filter((e) => e.kind === 'condition').map((e) => norm(e.text))
  if (conds.length === 0) return t
  if (conds.includes(norm(t)) || conds.join('') === norm(t)) return ''
  return t
}
