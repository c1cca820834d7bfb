// Formatting for the admin console: sizes, durations, job states. Pure: unit-tested.

/** 1536 → "1.5 KB"; binary units, one decimal below 10 and none above. */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n) || n < 0) return '—'
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let v = n
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  const digits = i === 0 ? 0 : v < 10 ? 1 : 0
  return `${v.toFixed(digits)} ${units[i]}`
}

/** Seconds → "3天 4小时" / "5小时 12分钟" / "42分钟" / "18秒" (English: 3d 4h …). */
export function formatUptime(seconds: number | null | undefined, locale: string): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—'
  const s = Math.floor(seconds)
  const d = Math.floor(s / 86400)
  const h = Math.floor((s % 86400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  const en = locale === 'en'
  const u = en ? { d: 'd', h: 'h', m: 'min', s: 's' } : { d: '天', h: '小时', m: '分钟', s: '秒' }
  const sep = en ? ' ' : ' '
  const part = (n: number, unit: string) => (en ? `${n}${unit === 'min' ? ' min' : unit}` : `${n}${unit}`)
  if (d > 0) return [part(d, u.d), h ? part(h, u.h) : ''].filter(Boolean).join(sep)
  if (h > 0) return [part(h, u.h), m ? part(m, u.m) : ''].filter(Boolean).join(sep)
  if (m > 0) return part(m, u.m)
  return part(s, u.s)
}

/** Used share of a disk, 0–100 (one decimal); null when unknown. */
export function usedPercent(free: number | null | undefined, total: number | null | undefined): number | null {
  if (free === null || free === undefined || !total) return null
  return Math.round(((total - free) / total) * 1000) / 10
}

/** Counts per job state from the server's [[status, count]] pairs. */
export function jobCounts(pairs: readonly (readonly [string, number])[] | null | undefined): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [k, n] of pairs ?? []) out[k] = (out[k] ?? 0) + n
  return out
}

export type JobAction = 'pause' | 'resume' | 'retry'

/** The action a job in this state offers: queued → pause, paused → resume, failed (死信) → retry. */
export function jobAction(status: string): JobAction | null {
  if (status === 'queued') return 'pause'
  if (status === 'paused') return 'resume'
  if (status === 'failed') return 'retry'
  return null
}

export function jobTagType(status: string): 'success' | 'warning' | 'info' | 'danger' | 'primary' {
  switch (status) {
    case 'done':
      return 'success'
    case 'running':
      return 'primary'
    case 'failed':
      return 'danger'
    case 'paused':
      return 'warning'
    default:
      return 'info'
  }
}

/** A short browser name out of a User-Agent ("Chrome 120 · Windows"); the raw string when unknown. */
export function describeUserAgent(ua: string | null | undefined): string {
  if (!ua) return '—'
  const browser =
    /Edg\/(\d+)/.exec(ua)?.[1] !== undefined
      ? `Edge ${/Edg\/(\d+)/.exec(ua)![1]}`
      : /Firefox\/(\d+)/.exec(ua)
        ? `Firefox ${/Firefox\/(\d+)/.exec(ua)![1]}`
        : /Chrom(?:e|ium)\/(\d+)/.exec(ua)
          ? `Chrome ${/Chrom(?:e|ium)\/(\d+)/.exec(ua)![1]}`
          : /Version\/(\d+).*Safari/.exec(ua)
            ? `Safari ${/Version\/(\d+).*Safari/.exec(ua)![1]}`
            : null
  const os = /Windows/.test(ua) ? 'Windows' : /Mac OS X/.test(ua) ? 'macOS' : /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Linux/.test(ua) ? 'Linux' : null
  if (!browser) return ua.length > 40 ? `${ua.slice(0, 40)}…` : ua
  return os ? `${browser} · ${os}` : browser
}

/** Unread count of a list whose items carry `read` (notices) or `read_at` (inbox). */
export function unreadCount(items: readonly { read?: boolean; read_at?: string | null }[]): number {
  return items.filter((i) => ('read' in i ? !i.read : !i.read_at)).length
}

/** The server warns (`http.errors`) above this share of 5xx answers over 15 minutes. */
export const HTTP_ERROR_RATE_WARN = 0.05

/** A share 0–1 as a percentage: "0%", "0.4%", "12.5%", "100%"; "<0.1%" for a tiny non-zero share. */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate) || rate < 0) return '—'
  if (rate === 0) return '0%'
  const pct = Math.min(rate, 1) * 100
  if (pct < 0.1) return '<0.1%'
  return `${Number(pct.toFixed(1))}%`
}

/** Requests per minute: one decimal, none when whole ("11.5", "3", "0"). */
export function formatPerMinute(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n) || n < 0) return '—'
  return String(Number(n.toFixed(1)))
}

/**
 * A latency percentile (the upper bound of its histogram bin, in ms): "≤ 20 ms", "≤ 2.5 s";
 * a dash without requests.
 */
export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—'
  if (ms >= 1000) return `≤ ${Number((ms / 1000).toFixed(1))} s`
  return `≤ ${Number(ms.toFixed(ms < 10 ? 1 : 0))} ms`
}
