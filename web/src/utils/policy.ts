// How the policy screens show statuses, verdicts and condition outcomes. Pure: unit-tested.
import type { ConditionCount, MatchFilter, Outcome, PolicyStatus, Verdict, VerdictCounts } from '@/api/policies'
import type { OutboxCount } from '@/api/admin'

export type TagType = 'success' | 'warning' | 'info' | 'danger' | 'primary'

export function statusTagType(s: PolicyStatus): TagType {
  return s === 'published' ? 'success' : s === 'withdrawn' ? 'warning' : 'info'
}

/** The group a verdict falls in on screen: near misses are shown apart from the other failures. */
export function verdictGroup(verdict: Verdict, nearMiss: boolean): MatchFilter {
  if (verdict === 'not_eligible' && nearMiss) return 'near_miss'
  return verdict
}

/** 符合 green, 差一点 orange, 待补充 grey, 不符合 red. */
export function verdictTagType(g: MatchFilter): TagType {
  switch (g) {
    case 'eligible':
      return 'success'
    case 'near_miss':
      return 'warning'
    case 'undetermined':
      return 'info'
    default:
      return 'danger'
  }
}

export const OUTCOME_MARK: Record<Outcome, string> = { pass: '✓', fail: '✗', missing: '?' }

/** Count of each group, for the cards and tabs. */
export function verdictCount(c: VerdictCounts, g: MatchFilter): number {
  return c[g] ?? 0
}

/** Share (0–100, one decimal) of a part in a whole; 0 when the whole is 0. */
export function percent(part: number, whole: number): number {
  if (!whole) return 0
  return Math.round((part / whole) * 1000) / 10
}

/** A share as shown: "63.6", and "<0.1" for a part too small to round to a tenth (never a bare 0 for a non-zero part). */
export function percentText(part: number, whole: number): string {
  const p = percent(part, whole)
  if (part > 0 && p === 0) return '<0.1'
  return String(p)
}

/** The widths (%) of the pass / fail / missing segments of a condition's bar. */
export function conditionBar(c: ConditionCount): { pass: number; fail: number; missing: number; total: number } {
  const total = c.pass + c.fail + c.missing
  return { pass: percent(c.pass, total), fail: percent(c.fail, total), missing: percent(c.missing, total), total }
}

/** Whether a policy is past its expiry date on a day (YYYY-MM-DD). */
export function isExpired(expiresOn: string | null | undefined, today: string): boolean {
  return Boolean(expiresOn && expiresOn < today)
}

/** Tags typed by hand: trimmed, without empties and repeats, in order. */
export function cleanTags(tags: readonly string[]): string[] {
  const out: string[] = []
  for (const t of tags) {
    const v = t.trim()
    if (v && !out.includes(v)) out.push(v)
  }
  return out
}

/** Where a push's e-mail or webhook messages stand: sent, still to go (queued or sending), failed. */
export type OutboxState = 'sent' | 'pending' | 'failed'
export const OUTBOX_STATES: OutboxState[] = ['sent', 'pending', 'failed']

/** The messages of one channel of a push (to the enterprises' contacts), by state. */
export interface OutboxLine {
  channel: string
  sent: number
  pending: number
  failed: number
}

/** The channels a push's outbox may use, in the order they are shown. */
const OUTBOX_ORDER = ['email', 'webhook']

/**
 * A push's e-mail and webhook messages per channel: every channel the push chose (the portal
 * inbox is not one of them), then any other the outbox names; e-mail before webhook. A chosen
 * channel without messages yet has a line of zeros.
 */
export function outboxLines(channels: readonly string[] | null | undefined, outbox: readonly OutboxCount[] | null | undefined): OutboxLine[] {
  const lines = new Map<string, OutboxLine>()
  const line = (channel: string) => {
    let l = lines.get(channel)
    if (!l) lines.set(channel, (l = { channel, sent: 0, pending: 0, failed: 0 }))
    return l
  }
  for (const c of channels ?? []) if (c !== 'inbox') line(c)
  for (const o of outbox ?? []) {
    if (o.channel === 'inbox') continue
    const l = line(o.channel)
    const n = Number(o.count) || 0
    if (o.status === 'sent') l.sent += n
    else if (o.status === 'failed') l.failed += n
    else l.pending += n
  }
  const rank = (c: string) => (OUTBOX_ORDER.includes(c) ? OUTBOX_ORDER.indexOf(c) : OUTBOX_ORDER.length)
  return [...lines.values()].sort((a, b) => rank(a.channel) - rank(b.channel))
}

const OUTBOX_WORDS = {
  zh: { email: '邮件', webhook: 'Webhook', sent: '已发', pending: '待发', failed: '失败' },
  en: { email: 'E-mail', webhook: 'Webhook', sent: 'sent', pending: 'pending', failed: 'failed' },
} as const

/** "邮件" / "E-mail", "Webhook"; an unknown channel as it is. */
export function outboxChannelName(channel: string, locale: string): string {
  const w = locale === 'en' ? OUTBOX_WORDS.en : OUTBOX_WORDS.zh
  return channel === 'email' || channel === 'webhook' ? w[channel] : channel
}

/** The non-zero states of a line in words, sent first: [{ state: 'sent', count: 12, text: '已发 12' }, …]. */
export function outboxParts(l: OutboxLine, locale: string): { state: OutboxState; count: number; text: string }[] {
  const w = locale === 'en' ? OUTBOX_WORDS.en : OUTBOX_WORDS.zh
  return OUTBOX_STATES.filter((s) => l[s] > 0).map((s) => ({ state: s, count: l[s], text: `${w[s]} ${l[s]}` }))
}

/** "邮件 已发 12 / 失败 1", "Webhook 待发 30"; "E-mail sent 12 / failed 1"; nothing yet: "邮件 —". */
export function outboxText(l: OutboxLine, locale: string): string {
  const parts = outboxParts(l, locale)
  return `${outboxChannelName(l.channel, locale)} ${parts.length ? parts.map((p) => p.text).join(' / ') : '—'}`
}
