// What each organisation record type edits and where it lives in the API.
import { api } from '@/api'
import type { Id, OrgNodeType } from '@/api/types'

export const FIELDS: Record<OrgNodeType, string[]> = {
  region: ['code', 'name', 'parent_id'],
  bureau: ['region_id', 'name', 'address', 'contact_name', 'contact_phone'],
  station: ['bureau_id', 'name', 'kind', 'address', 'contact_name', 'contact_phone', 'window_count'],
  department: ['bureau_id', 'station_id', 'name', 'kind', 'contact_name', 'contact_phone'],
}

/** The fields a user may change in the detail panel (parents are fixed). */
export const EDITABLE: Record<OrgNodeType, string[]> = {
  region: ['code', 'name'],
  bureau: ['name', 'address', 'contact_name', 'contact_phone'],
  station: ['name', 'kind', 'address', 'contact_name', 'contact_phone', 'window_count'],
  department: ['name', 'kind', 'contact_name', 'contact_phone'],
}

type AnyRecord = Record<string, unknown> & { id: Id; version: number }

interface Crud {
  get: (id: Id) => Promise<AnyRecord>
  create: (body: Record<string, unknown>) => Promise<AnyRecord>
  update: (id: Id, body: Record<string, unknown> & { version: number }) => Promise<AnyRecord>
  remove: (id: Id) => Promise<void>
}

export function endpoint(type: OrgNodeType): Crud {
  const map = { region: api.regions, bureau: api.bureaus, station: api.stations, department: api.departments }
  return map[type] as unknown as Crud
}

/** A fresh form model for creating a record of the type. */
export function blank(type: OrgNodeType): Record<string, unknown> {
  switch (type) {
    case 'region':
      return { code: '', name: '', parent_id: null }
    case 'bureau':
      return { region_id: null, name: '', address: '', contact_name: '', contact_phone: '' }
    case 'station':
      return { bureau_id: null, name: '', kind: 'park', address: '', contact_name: '', contact_phone: '', window_count: 1 }
    case 'department':
      return { bureau_id: null, station_id: null, name: '', kind: 'section', contact_name: '', contact_phone: '' }
  }
}

/** The create body: strings trimmed; empty optional strings sent as null. */
export function toBody(type: OrgNodeType, model: Record<string, unknown>, only?: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const f of only ?? FIELDS[type]) {
    let v = model[f]
    if (typeof v === 'string') {
      v = v.trim()
      if (v === '' && !['name', 'code'].includes(f)) v = null
    }
    out[f] = v
  }
  return out
}
