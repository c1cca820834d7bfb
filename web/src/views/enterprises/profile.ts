// What the profile page shares with its tabs.
import { inject, type InjectionKey, type Ref } from 'vue'
import type { Enterprise, Unmasked } from '@/api/types'

export interface ProfileContext {
  enterprise: Ref<Enterprise | null>
  /** Full personal data after 查看完整信息, null until then. */
  unmasked: Ref<Unmasked | null>
  canWrite: Ref<boolean>
  canUnmask: Ref<boolean>
  /** Asks the server for the full data (audited); resolves false when the user cancels. */
  unmask: () => Promise<boolean>
  /** Reloads the enterprise (header, tags, grade) after a change in a tab. */
  reload: () => Promise<void>
  /** Bumped on every change so that the timeline reloads. */
  changes: Ref<number>
}

export const PROFILE: InjectionKey<ProfileContext> = Symbol('profile')

export function useProfile(): ProfileContext {
  const ctx = inject(PROFILE)
  if (!ctx) throw new Error('useProfile outside the profile page')
  return ctx
}
