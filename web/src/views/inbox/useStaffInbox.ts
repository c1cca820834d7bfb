// The staff inbox (我的消息), shared by the header entry and the /inbox page: the messages, the
// unread count, marking one read when it is opened and 已处理 on a reminder.
import { computed, ref } from 'vue'
import { ElMessage } from 'element-plus'
import { api, type StaffMessage } from '@/api'
import { i18n } from '@/i18n'
import { errorText, showError } from '@/utils/notify'
import { isAlreadyAcked } from '@/utils/reminders'

const items = ref<StaffMessage[]>([])
const unread = ref(0)
const loading = ref(false)
const acking = ref<string | null>(null)

/** Whether a message is a reminder still waiting for 已处理. */
export function isPending(m: Pick<StaffMessage, 'source_type' | 'source_id' | 'acknowledged'>): boolean {
  return m.source_type === 'reminder' && m.source_id !== null && m.source_id !== undefined && !m.acknowledged
}

export function useStaffInbox() {
  /** Forgets the messages (a new sign-in: nothing of the last user's shows). */
  function reset(): void {
    items.value = []
    unread.value = 0
  }

  async function refresh(quiet = true): Promise<void> {
    loading.value = true
    try {
      const res = await api.inbox.list()
      items.value = res.items
      unread.value = res.unread ?? res.items.filter((m) => !m.read_at).length
    } catch (e) {
      if (!quiet) showError(e)
    } finally {
      loading.value = false
    }
  }

  async function markRead(m: StaffMessage): Promise<void> {
    if (m.read_at) return
    m.read_at = new Date().toISOString()
    unread.value = Math.max(0, unread.value - 1)
    try {
      await api.inbox.read(m.id)
    } catch (e) {
      m.read_at = null
      unread.value++
      showError(e)
    }
  }

  /** 已处理: the reminder behind the message is handled (for everyone it went to). */
  async function ack(m: StaffMessage): Promise<void> {
    if (!isPending(m)) return
    acking.value = String(m.id)
    const done = () => {
      for (const x of items.value) if (x.source_type === 'reminder' && String(x.source_id) === String(m.source_id)) x.acknowledged = true
      void markRead(m)
    }
    try {
      await api.reminders.ack(m.source_id!)
      done()
      ElMessage.success(i18n.global.t('rem.ackDone'))
    } catch (e) {
      // Someone else handled it first: it is handled all the same.
      if (isAlreadyAcked(e)) {
        done()
        ElMessage.info(errorText(e))
      } else showError(e)
    } finally {
      acking.value = null
    }
  }

  const pending = computed(() => items.value.filter(isPending).length)

  return { items, unread, pending, loading, acking, reset, refresh, markRead, ack }
}
