// Helpers over the organisation tree from GET /api/org/tree.
import type { Id, OrgNode, OrgNodeType } from '@/api/types'

export function nodeKey(type: OrgNodeType, id: Id): string {
  return `${type}:${id}`
}

/** Every node with the chain of its ancestors. */
export function walk(nodes: readonly OrgNode[], fn: (n: OrgNode, ancestors: OrgNode[]) => void, ancestors: OrgNode[] = []): void {
  for (const n of nodes) {
    fn(n, ancestors)
    if (n.children?.length) walk(n.children, fn, [...ancestors, n])
  }
}

export function findNode(nodes: readonly OrgNode[], type: OrgNodeType, id: Id): { node: OrgNode; ancestors: OrgNode[] } | null {
  let found: { node: OrgNode; ancestors: OrgNode[] } | null = null
  walk(nodes, (n, a) => {
    if (!found && n.type === type && String(n.id) === String(id)) found = { node: n, ancestors: a }
  })
  return found
}

export function nodesOfType(nodes: readonly OrgNode[], type: OrgNodeType): { node: OrgNode; ancestors: OrgNode[] }[] {
  const out: { node: OrgNode; ancestors: OrgNode[] }[] = []
  walk(nodes, (n, a) => {
    if (n.type === type) out.push({ node: n, ancestors: a })
  })
  return out
}

/** "浦东新区市场监督管理局 / 张江科学城服务直通站 / 知识产权科" for an account's unit. */
export function unitLabel(
  tree: readonly OrgNode[],
  ids: { bureau_id?: Id | null; station_id?: Id | null; department_id?: Id | null },
): string {
  const hit =
    (ids.department_id != null && findNode(tree, 'department', ids.department_id)) ||
    (ids.station_id != null && findNode(tree, 'station', ids.station_id)) ||
    (ids.bureau_id != null && findNode(tree, 'bureau', ids.bureau_id)) ||
    null
  if (!hit) return ''
  return [...hit.ancestors.filter((a) => a.type !== 'region'), hit.node].map((n) => n.name).join(' / ')
}

/** The bureau / station / department ids implied by choosing one node of the tree. */
export function unitIds(tree: readonly OrgNode[], key: string | null | undefined): { bureau_id: Id | null; station_id: Id | null; department_id: Id | null } {
  const out = { bureau_id: null as Id | null, station_id: null as Id | null, department_id: null as Id | null }
  if (!key) return out
  const [type, id] = key.split(':') as [OrgNodeType, string]
  const hit = findNode(tree, type, id)
  if (!hit) return out
  for (const n of [...hit.ancestors, hit.node]) {
    if (n.type === 'bureau') out.bureau_id = n.id
    if (n.type === 'station') out.station_id = n.id
    if (n.type === 'department') out.department_id = n.id
  }
  return out
}

/** The tree key of an account's unit: the most specific of its ids. */
export function unitKey(ids: { bureau_id?: Id | null; station_id?: Id | null; department_id?: Id | null }): string | null {
  if (ids.department_id != null) return nodeKey('department', ids.department_id)
  if (ids.station_id != null) return nodeKey('station', ids.station_id)
  if (ids.bureau_id != null) return nodeKey('bureau', ids.bureau_id)
  return null
}
