import { createI18n } from 'vue-i18n'
import { computed, ref } from 'vue'
import dayjs from 'dayjs'
import 'dayjs/locale/zh-cn'
import updateLocale from 'dayjs/plugin/updateLocale'
import { pickerDateFormat } from '@/utils/datetime'
import zhCN from './zh-CN'
import en from './en'

export type Locale = 'zh-CN' | 'en'
export const LOCALES: Locale[] = ['zh-CN', 'en']
export const LOCALE_KEY = 'zt.locale'

// Weeks start on Monday in both languages (the duty roster and the week picker).
dayjs.extend(updateLocale)
dayjs.updateLocale('en', { weekStart: 1 })

export function storedLocale(): Locale {
  try {
    const v = localStorage.getItem(LOCALE_KEY)
    if (v === 'en' || v === 'zh-CN') return v
  } catch {
    /* storage unavailable */
  }
  return 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: storedLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
  missingWarn: false,
  fallbackWarn: false,
})

/** The current UI locale, readable outside components (the HTTP client). */
export const currentLocale = ref<Locale>(storedLocale())

/** The display format of the date pickers in the current locale (2026年3月5日 / 2026-03-05). */
export const dateFormat = computed(() => pickerDateFormat(currentLocale.value))

export function setLocale(l: Locale): void {
  currentLocale.value = l
  i18n.global.locale.value = l
  dayjs.locale(l === 'en' ? 'en' : 'zh-cn')
  document.documentElement.lang = l
  try {
    localStorage.setItem(LOCALE_KEY, l)
  } catch {
    /* storage unavailable */
  }
}

export function initLocale(): void {
  setLocale(storedLocale())
}
