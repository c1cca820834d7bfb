import { describe, expect, it } from 'vitest'
import type { Attachment, SlipEntry } from '@/api'
import {
  ATTACHMENT_ACCEPT,
  attachmentsByEntry,
  categoriesOf,
  conditionsText,
  countByState,
  fileProblem,
  formatFileSize,
  groupStates,
  homePath,
  isPortalUser,
  isStateGroup,
  materialEntries,
  materialsNote,
  mayAttach,
  missingMaterials,
  printable,
  progressOf,
} from '@/utils/portal'

const slip: SlipEntry[] = [
  { key: 'e1', kind: 'condition', text: '有专业技术人员', required: true },
  { key: 'e2', kind: 'material', text: '申请书', required: true },
  { key: 'e3', kind: 'material', text: '营业执照复印件', required: true },
  { key: 'e4', kind: 'material', text: '检验报告', required: false },
]

function att(id: string, entry_key: string, created_at: string): Attachment {
  return { id, entry_key, file_name: `${id}.pdf`, content_type: 'application/pdf', size: 100, sha256: '', uploaded_by_name: '李明', created_at }
}

describe('portal users', () => {
  it('is a portal user with portal.use and no request.read', () => {
    expect(isPortalUser(['portal.use'])).toBe(true)
    expect(isPortalUser(['portal.use', 'request.read'])).toBe(false)
    expect(isPortalUser(['request.read', 'portal.manage'])).toBe(false)
    expect(isPortalUser([])).toBe(false)
  })

  it('sends portal users to the portal and staff to the dashboard', () => {
    expect(homePath(['portal.use'])).toBe('/portal')
    expect(homePath(['request.read'])).toBe('/dashboard')
    expect(homePath([])).toBe('/dashboard')
  })
})

describe('requests by state', () => {
  it('maps the groups to the server states', () => {
    expect(groupStates('completed')).toBe('completed,delivered')
    expect(groupStates('awaiting_materials')).toBe('awaiting_materials')
    expect(groupStates('nonsense')).toBe('')
    expect(isStateGroup('refused')).toBe(true)
    expect(isStateGroup('delivered')).toBe(false)
  })

  it('counts each group with one small query', async () => {
    const totals: Record<string, number> = { '': 9, received: 2, in_progress: 3, awaiting_materials: 1, suspended: 0, 'completed,delivered': 2, refused: 1 }
    const asked: Record<string, string | number>[] = []
    const counts = await countByState(async (q) => {
      asked.push(q)
      return { total: totals[String(q.state ?? '')] }
    })
    expect(counts).toEqual({ total: 9, received: 2, in_progress: 3, awaiting_materials: 1, suspended: 0, completed: 2, refused: 1 })
    expect(asked.every((q) => q.page_size === 1)).toBe(true)
    expect(asked).toHaveLength(7)
  })
})

describe('slip materials and attachments', () => {
  it('lists the materials a 补正 asks for in the slip order', () => {
    expect(missingMaterials(slip, ['e3', 'e2']).map((e) => e.key)).toEqual(['e2', 'e3'])
    expect(missingMaterials(slip, [])).toEqual([])
    expect(missingMaterials(null, null)).toEqual([])
  })

  it('keeps a key the slip does not know, as text', () => {
    expect(missingMaterials(slip, ['x9'])).toEqual([{ key: 'x9', kind: 'material', text: 'x9', required: true }])
  })

  it('takes the materials of a slip', () => {
    expect(materialEntries(slip).map((e) => e.key)).toEqual(['e2', 'e3', 'e4'])
    expect(materialEntries(undefined)).toEqual([])
  })

  it('groups attachments by slip entry, oldest first', () => {
    const m = attachmentsByEntry([att('b', 'e2', '2026-11-25T10:00:00Z'), att('a', 'e2', '2026-11-25T09:00:00Z'), att('c', '', '2026-11-25T08:00:00Z')])
    expect(m.get('e2')?.map((a) => a.id)).toEqual(['a', 'b'])
    expect(m.get('')?.map((a) => a.id)).toEqual(['c'])
    expect(m.get('e3')).toBeUndefined()
    expect(attachmentsByEntry(undefined).size).toBe(0)
  })

  it('formats file sizes', () => {
    expect(formatFileSize(856)).toBe('856 B')
    expect(formatFileSize(1536)).toBe('1.5 KB')
    expect(formatFileSize(200 * 1024)).toBe('200 KB')
    expect(formatFileSize(3.25 * 1024 * 1024)).toBe('3.3 MB')
    expect(formatFileSize(25 * 1024 * 1024)).toBe('25 MB')
    expect(formatFileSize(null)).toBe('—')
    expect(formatFileSize(-1)).toBe('—')
  })

  it('checks a file as the server will', () => {
    expect(fileProblem({ name: '营业执照.PDF', size: 1000 })).toBeNull()
    expect(fileProblem({ name: 'scan.jpeg', size: 1000 })).toBeNull()
    expect(fileProblem({ name: 'virus.exe', size: 1000 })).toBe('type')
    expect(fileProblem({ name: 'noext', size: 1000 })).toBe('type')
    expect(fileProblem({ name: 'a.pdf', size: 0 })).toBe('empty')
    expect(fileProblem({ name: 'a.pdf', size: 10 * 1024 * 1024 })).toBeNull()
    expect(fileProblem({ name: 'a.pdf', size: 10 * 1024 * 1024 + 1 })).toBe('size')
    expect(ATTACHMENT_ACCEPT).toContain('.ofd')
  })

  it('takes materials from the enterprise before acceptance and during 补正 only', () => {
    expect(mayAttach('received')).toBe(true)
    expect(mayAttach('awaiting_materials')).toBe(true)
    expect(mayAttach('in_progress')).toBe(false)
    expect(mayAttach('refused')).toBe(false)
  })

  it('finds the note of the last 补正 request', () => {
    const events = [
      { kind: 'request_materials', at: '2026-11-20T01:00:00Z', note: '第一次' },
      { kind: 'materials_received', at: '2026-11-21T01:00:00Z', note: null },
      { kind: 'request_materials', at: '2026-11-24T01:00:00Z', note: ' 请补充营业执照 ' },
    ]
    expect(materialsNote(events)).toBe('请补充营业执照')
    expect(materialsNote([])).toBe('')
  })
})

describe('documents and progress', () => {
  it('offers the receipt once accepted and the notice once refused', () => {
    expect(printable({ state: 'received', deadline: null })).toBeNull()
    expect(printable({ state: 'in_progress', accepted_on: '2026-11-24', deadline: '2026-12-01' })).toBe('receipt')
    expect(printable({ state: 'delivered', deadline: '2026-12-01' })).toBe('receipt')
    expect(printable({ state: 'refused', deadline: null })).toBe('refusal')
  })

  it('shows where a request stands', () => {
    expect(progressOf('received', false)).toEqual({ steps: ['submitted', 'accepted', 'processing', 'completed'], active: 1, status: 'process' })
    expect(progressOf('awaiting_materials', true).active).toBe(2)
    expect(progressOf('completed', false)).toMatchObject({ active: 4, status: 'finish' })
    expect(progressOf('completed', true)).toMatchObject({ steps: ['submitted', 'accepted', 'processing', 'completed', 'delivered'], active: 4, status: 'process' })
    expect(progressOf('delivered', true)).toMatchObject({ active: 5, status: 'finish' })
    expect(progressOf('refused', true)).toEqual({ steps: ['submitted', 'refused'], active: 1, status: 'error' })
  })
})

describe('the guide', () => {
  it('does not repeat conditions the slip lists', () => {
    expect(conditionsText('有专业技术人员', slip)).toBe('')
    expect(conditionsText(' 有专业技术人员。', slip)).toBe('')
    expect(conditionsText('注册地在浦东新区', slip)).toBe('注册地在浦东新区')
    expect(conditionsText('注册地在浦东新区', [])).toBe('注册地在浦东新区')
    expect(conditionsText('', slip)).toBe('')
    expect(conditionsText(null, slip)).toBe('')
  })

  it('collects the categories of the items with their counts', () => {
    const items = [
      { category_code: 'ip', category_name: '知识产权' },
      { category_code: 'quality', category_name: '质量提升' },
      { category_code: 'ip', category_name: '知识产权' },
      { category_code: '', category_name: '' },
      { category_code: 'std', category_name: null },
    ]
    expect(categoriesOf(items)).toEqual([
      { code: 'ip', name: '知识产权', count: 2 },
      { code: 'quality', name: '质量提升', count: 1 },
      { code: 'std', name: 'std', count: 1 },
    ])
  })
})
