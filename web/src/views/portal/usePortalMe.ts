// The enterprise the signed-in portal account acts for (/api/portal/me), loaded once per account.
import { ref } from 'vue'
import { api, type Id, type PortalMe } from '@/api'
import { useAuth } from '@/stores/auth'
import { showError } from '@/utils/notify'

const cache = ref<PortalMe | null>(null)
let owner: Id | null = null
let pending: Promise<PortalMe | null> | null = null

export function usePortalMe() {
  const auth = useAuth()

  async function load(): Promise<PortalMe | null> {
    const who = auth.me?.id ?? null
    if (cache.value && owner === who) return cache.value
    if (pending && owner === who) return pending
    owner = who
    cache.value = null
    pending = api.portal
      .me()
      .then((m) => (owner === who ? (cache.value = m) : m))
      .catch((e) => {
        showError(e)
        return null
      })
      .finally(() => (pending = null))
    return pending
  }

  return { portalMe: cache, loadPortalMe: load }
}
