import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api } from '@/api'
import type { Me, Meta } from '@/api'

export const useAuth = defineStore('auth', () => {
  const me = ref<Me | null>(null)
  const meta = ref<Meta | null>(null)
  /** Set once the first /api/me probe has answered. */
  const probed = ref(false)

  const permissions = computed(() => me.value?.permissions ?? [])
  const demo = computed(() => Boolean(meta.value?.demo || me.value?.demo))
  const needsSetup = computed(() =>
    Boolean(me.value && (me.value.password_change_required || me.value.totp_enrollment_required)),
  )

  function can(...anyOf: string[]): boolean {
    return anyOf.length === 0 || anyOf.some((p) => permissions.value.includes(p))
  }

  async function loadMeta(): Promise<void> {
    if (meta.value) return
    try {
      meta.value = await api.meta()
    } catch {
      meta.value = { product: '', version: '', demo: false }
    }
  }

  /** Asks the server who we are; false when there is no live session. */
  async function probe(): Promise<boolean> {
    try {
      me.value = await api.me(true)
      return true
    } catch {
      me.value = null
      return false
    } finally {
      probed.value = true
    }
  }

  async function refresh(): Promise<void> {
    me.value = await api.me()
  }

  async function login(username: string, password: string, totp?: string): Promise<Me> {
    const m = await api.login({ username, password, totp: totp || undefined })
    me.value = m
    probed.value = true
    return m
  }

  async function logout(): Promise<void> {
    try {
      await api.logout()
    } finally {
      me.value = null
    }
  }

  function forget(): void {
    me.value = null
  }

  return { me, meta, probed, permissions, demo, needsSetup, can, loadMeta, probe, refresh, login, logout, forget }
})
