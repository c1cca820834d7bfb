// The unread count of the portal inbox, shared by the menu badge and the inbox page.
import { ref } from 'vue'
import { api } from '@/api'
import { unreadCount } from '@/utils/admin'

const unread = ref(0)

export function usePortalInbox() {
  async function refresh(): Promise<void> {
    try {
      unread.value = unreadCount(await api.portalExtra.inbox())
    } catch {
      /* the badge is best effort */
    }
  }
  return { unread, refresh }
}
