// The dictionaries' entries as the pickers read them (GET /api/dicts/{dict}): loaded once per
// page load, shared by every screen, and fetched again when a dialog opens (`reload`) so that an
// entry an administrator added or disabled a moment ago shows at once. A failure leaves the list
// as it was: the pickers still take free text where the field allows it.
import { ref, type Ref } from 'vue'
import { api, type DictEntry } from '@/api'

const lists = new Map<string, Ref<DictEntry[]>>()
const loaded = new Set<string>()
const pending = new Map<string, Promise<DictEntry[]>>()

function slot(dict: string): Ref<DictEntry[]> {
  let r = lists.get(dict)
  if (!r) {
    r = ref<DictEntry[]>([])
    lists.set(dict, r)
  }
  return r
}

/** Fetches a dictionary's entries (once, unless `force`); never rejects. */
export function loadDict(dict: string, force = false): Promise<DictEntry[]> {
  const r = slot(dict)
  if (!force && loaded.has(dict)) return Promise.resolve(r.value)
  const running = pending.get(dict)
  if (running) return running
  const p = api.dicts
    .entries(dict)
    .then((list) => {
      r.value = Array.isArray(list) ? list : []
      loaded.add(dict)
      return r.value
    })
    .catch(() => r.value)
    .finally(() => pending.delete(dict))
  pending.set(dict, p)
  return p
}

/** Puts a dictionary's entries as just read or saved elsewhere (字典管理) into the shared list. */
export function setDict(dict: string, entries: DictEntry[]): void {
  slot(dict).value = entries
  loaded.add(dict)
}

/** A dictionary's entries (disabled ones too, in display order) and a way to fetch them again. */
export function useDict(dict: string): { entries: Ref<DictEntry[]>; reload: () => Promise<DictEntry[]> } {
  void loadDict(dict)
  return { entries: slot(dict), reload: () => loadDict(dict, true) }
}
