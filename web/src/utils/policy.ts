// How the policy screens show statuses, verdicts and condition outcomes. Pure: unit-tested.
import type { ConditionCount, MatchFilter, Outcome, PolicyStatus, Verdict, VerdictCounts } from '@/api/policies'

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
