// Dates and times as the users read them: always in Asia/Shanghai; Chinese style in zh-CN
// (2026年11月25日 14:05), ISO-like in English (2026-11-25 14:05).

export const TZ = 'Asia/Shanghai'

interface Parts {
  year: string
  month: string
  day: string
  hour: string
  minute: string
  second: string
}

const partsFormatter = new Intl.DateTimeFormat('en-GB', {
  timeZone: TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})

function shanghaiParts(d: Date): Parts {
  const out: Record<string, string> = {}
  for (const p of partsFormatter.formatToParts(d)) out[p.type] = p.value
  return out as unknown as Parts
}

function toDate(v: string | number | Date | null | undefined): Date | null {
  if (v === null || v === undefined || v === '') return null
  const d = v instanceof Date ? v : new Date(v)
  return Number.isNaN(d.getTime()) ? null : d
}

export function formatDateTime(v: string | number | Date | null | undefined, locale: string, seconds = false): string {
  const d = toDate(v)
  if (!d) return ''
  const p = shanghaiParts(d)
  const time = seconds ? `${p.hour}:${p.minute}:${p.second}` : `${p.hour}:${p.minute}`
  if (locale === 'en') return `${p.year}-${p.month}-${p.day} ${time}`
  return `${p.year}年${Number(p.month)}月${Number(p.day)}日 ${time}`
}

export function formatDate(v: string | number | Date | null | undefined, locale: string): string {
  const d = toDate(v)
  if (!d) return ''
  const p = shanghaiParts(d)
  if (locale === 'en') return `${p.year}-${p.month}-${p.day}`
  return `${p.year}年${Number(p.month)}月${Number(p.day)}日`
}

/**
 * An instant that may stand for a whole day: events dated by the calendar (registered on, grade
 * effective on) are stored as midnight Shanghai time and shown as the date alone; others with
 * the time.
 */
export function formatMoment(v: string | number | Date | null | undefined, locale: string): string {
  const d = toDate(v)
  if (!d) return ''
  const p = shanghaiParts(d)
  const midnight = p.hour === '00' && p.minute === '00' && p.second === '00' && d.getUTCMilliseconds() === 0
  return midnight ? formatDate(d, locale) : formatDateTime(d, locale)
}

// ---- Calendar dates (YYYY-MM-DD strings, no time zone) for the weekly duty roster ----

/** Today's calendar date in Asia/Shanghai. */
export function todayShanghai(now: Date = new Date()): string {
  const p = shanghaiParts(now)
  return `${p.year}-${p.month}-${p.day}`
}

function parseYmd(ymd: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd)
  if (!m) throw new Error(`bad date: ${ymd}`)
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
}

function ymd(d: Date): string {
  const y = d.getUTCFullYear()
  const m = String(d.getUTCMonth() + 1).padStart(2, '0')
  const day = String(d.getUTCDate()).padStart(2, '0')
  return `${String(y).padStart(4, '0')}-${m}-${day}`
}

export function addDays(date: string, n: number): string {
  const d = parseYmd(date)
  d.setUTCDate(d.getUTCDate() + n)
  return ymd(d)
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  const w = parseYmd(date).getUTCDay()
  return w === 0 ? 7 : w
}

/** The Monday of the week (Mon–Sun) that holds the date. */
export function weekStart(date: string): string {
  return addDays(date, 1 - isoWeekday(date))
}

/** The seven dates Monday … Sunday of the week that holds the date. */
export function weekDays(date: string): string[] {
  const start = weekStart(date)
  return Array.from({ length: 7 }, (_, i) => addDays(start, i))
}

const ZH_WEEKDAYS = ['周一', '周二', '周三', '周四', '周五', '周六', '周日']
const EN_WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']
const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

export function weekdayLabel(date: string, locale: string): string {
  const i = isoWeekday(date) - 1
  return locale === 'en' ? EN_WEEKDAYS[i] : ZH_WEEKDAYS[i]
}

/** "11月23日" in Chinese, "Nov 23" in English. */
export function monthDayLabel(date: string, locale: string): string {
  const d = parseYmd(date)
  const m = d.getUTCMonth()
  const day = d.getUTCDate()
  return locale === 'en' ? `${EN_MONTHS[m]} ${day}` : `${m + 1}月${day}日`
}

/** "2026年11月23日 – 11月29日" / "2026-11-23 – 2026-11-29". */
export function weekRangeLabel(start: string, locale: string): string {
  const end = addDays(start, 6)
  if (locale === 'en') return `${start} – ${end}`
  const s = parseYmd(start)
  return `${s.getUTCFullYear()}年${monthDayLabel(start, locale)} – ${monthDayLabel(end, locale)}`
}

/** The ISO-8601 instant of a local Shanghai date-time (for audit filters). */
export function shanghaiToIso(d: Date): string {
  // The picker gives a Date in the browser's zone; keep its wall-clock reading as Shanghai time.
  const y = d.getFullYear()
  const mo = String(d.getMonth() + 1).padStart(2, '0')
  const day = String(d.getDate()).padStart(2, '0')
  const h = String(d.getHours()).padStart(2, '0')
  const mi = String(d.getMinutes()).padStart(2, '0')
  const s = String(d.getSeconds()).padStart(2, '0')
  return `${y}-${mo}-${day}T${h}:${mi}:${s}+08:00`
}

/** A calendar date (YYYY-MM-DD, no time zone): "2026年3月5日" / "2026-03-05"; "—" when empty. */
export function formatYmd(v: string | null | undefined, locale: string): string {
  if (!v) return '—'
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(v)
  if (!m) return v
  if (locale === 'en') return `${m[1]}-${m[2]}-${m[3]}`
  return `${m[1]}年${Number(m[2])}月${Number(m[3])}日`
}

/**
 * A span of calendar dates: "2026年10月1日 – 10月8日" (the year once when both share it),
 * "2026-10-01 – 2026-10-08"; the date alone when the span is one day.
 */
export function formatYmdRange(from: string | null | undefined, to: string | null | undefined, locale: string): string {
  if (!from || !to || from === to) return formatYmd(from || to, locale)
  if (locale !== 'en' && from.slice(0, 4) === to.slice(0, 4) && /^\d{4}-\d{2}-\d{2}/.test(to)) {
    return `${formatYmd(from, locale)} – ${monthDayLabel(to.slice(0, 10), locale)}`
  }
  return `${formatYmd(from, locale)} – ${formatYmd(to, locale)}`
}

/** The display format of the date pickers: Chinese style in zh-CN (values stay YYYY-MM-DD). */
export function pickerDateFormat(locale: string): string {
  return locale === 'en' ? 'YYYY-MM-DD' : 'YYYY年M月D日'
}

/**
 * A compact moment for narrow lists: the time alone today ("14:05"), month and day this year
 * ("11月25日 14:05" / "11-25 14:05"), the full date and time before (all in Asia/Shanghai).
 */
export function formatShortMoment(v: string | number | Date | null | undefined, locale: string, now: Date = new Date()): string {
  const d = toDate(v)
  if (!d) return ''
  const p = shanghaiParts(d)
  const n = shanghaiParts(now)
  const time = `${p.hour}:${p.minute}`
  if (p.year === n.year && p.month === n.month && p.day === n.day) return time
  if (p.year === n.year) return locale === 'en' ? `${p.month}-${p.day} ${time}` : `${Number(p.month)}月${Number(p.day)}日 ${time}`
  return formatDateTime(d, locale)
}
