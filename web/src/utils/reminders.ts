// Wording and small computations of the alarm-clock reminders (闹钟式提醒): offsets in words,
// placeholder insertion in the templates, status tags, escalation levels, the calendar's
// per-day counts. Pure: unit-tested.
import {
  PLACEHOLDERS,
  type NotifyChannel,
  type DeliveryStatus,
  type OffsetUnit,
  type RecipientKind,
  type ReminderStatus,
  type RuleInput,
  type UpcomingReminder,
  type UpcomingStatus,
} from '@/api/reminders'
import { ApiError } from '@/api/http'
import { addDays } from './datetime'

export const MAX_OFFSET = 366
export const MAX_OFFSETS = 6

/** Offsets as the server keeps them: whole numbers 0–366, no repeats, largest first. */
export function normalizeOffsets(list: readonly number[]): number[] {
  return [...new Set(list.filter((n) => Number.isInteger(n) && n >= 0 && n <= MAX_OFFSET))].sort((a, b) => b - a)
}

/** A typed offset ("30", " 7 ", "30天") as a number, or null when it is not a whole number 0–366. */
export function parseOffset(text: string): number | null {
  const m = /^\s*(\d{1,3})\s*(天|日|个工作日|d|days?)?\s*$/i.exec(text)
  if (!m) return null
  const n = Number(m[1])
  return n <= MAX_OFFSET ? n : null
}

/**
 * The offsets of a rule in words: "提前 90/30/7 天", "提前 5 个工作日", "提前 30/7 天及当天",
 * "到期当天"; "90/30/7 days before", "5 working days before", "on the due date".
 */
export function offsetsText(offsets: readonly number[], unit: OffsetUnit | string, locale: string): string {
  const list = normalizeOffsets(offsets)
  if (list.length === 0) return '—'
  const ahead = list.filter((n) => n > 0)
  const onDay = list.includes(0)
  const working = unit === 'working_days'
  const en = locale === 'en'
  if (ahead.length === 0) return en ? 'on the due date' : '到期当天'
  const nums = ahead.join('/')
  if (en) {
    const single = ahead.length === 1 && ahead[0] === 1
    const u = working ? (single ? 'working day' : 'working days') : single ? 'day' : 'days'
    return `${nums} ${u} before${onDay ? ' and on the due date' : ''}`
  }
  return `提前 ${nums} ${working ? '个工作日' : '天'}${onDay ? '及当天' : ''}`
}

/** One offset in words: "提前 30 天" / "提前 5 个工作日" / "到期当天". */
export function offsetText(offset: number, unit: OffsetUnit | string, locale: string): string {
  return offsetsText([offset], unit, locale)
}

/** `{name}`: the token a placeholder is written as in a template. */
export function placeholderToken(name: string): string {
  return `{${name}}`
}

export interface Inserted {
  text: string
  /** Where the caret goes after the insertion. */
  caret: number
}

/**
 * Puts `token` into `text` at the selection [start, end) (replacing what is selected); with no
 * known selection, at the end. The caret lands right after the token.
 */
export function insertAt(text: string, token: string, start?: number | null, end?: number | null): Inserted {
  const len = text.length
  const s = start === null || start === undefined || Number.isNaN(start) ? len : Math.max(0, Math.min(start, len))
  const e = end === null || end === undefined || Number.isNaN(end) ? s : Math.max(s, Math.min(end, len))
  return { text: text.slice(0, s) + token + text.slice(e), caret: s + token.length }
}

/** The `{names}` of a template that are not placeholders (the server would refuse them). */
export function unknownPlaceholders(template: string, known: readonly string[] = PLACEHOLDERS): string[] {
  const out: string[] = []
  for (const m of template.matchAll(/\{([^{}]*)\}/g)) {
    if (!known.includes(m[1]) && !out.includes(m[1])) out.push(m[1])
  }
  return out
}

export type TagType = 'success' | 'warning' | 'info' | 'danger' | 'primary'

/** The tag of a reminder's status: 待发送, 已提醒 (waiting for 已处理), 已处理; planned (计划). */
export function reminderStatusType(status: ReminderStatus | UpcomingStatus | string): TagType {
  switch (status) {
    case 'acknowledged':
      return 'success'
    case 'notified':
      return 'warning'
    case 'due':
      return 'primary'
    default:
      return 'info'
  }
}

export function deliveryStatusType(status: DeliveryStatus | string): TagType {
  switch (status) {
    case 'sent':
      return 'success'
    case 'failed':
      return 'danger'
    case 'sending':
      return 'primary'
    default:
      return 'info'
  }
}

/** Who hears of a reminder nobody acknowledged, in order, after the rule's own recipients. */
export const ESCALATION = ['station_manager', 'bureau_leader'] as const
export type EscalationRole = (typeof ESCALATION)[number]

/**
 * Who a reminder at escalation `level` (1, 2, …) was passed up to: the next role of the chain
 * the rule's recipients did not include already (as the server picks it). Without the
 * recipients: level 1 = the station manager, 2 = the bureau leader. null for level 0 or past the top.
 */
export function escalatedTo(level: number, recipients?: readonly string[] | null): EscalationRole | null {
  if (!level || level < 1) return null
  const chain = recipients ? ESCALATION.filter((r) => !recipients.includes(r)) : [...ESCALATION]
  return chain[level - 1] ?? null
}

export interface DayCount {
  total: number
  planned: number
  notified: number
  acknowledged: number
}

/** The calendar's reminders by the day they fire on, each day's list sorted by due date. */
export function byFireDay(items: readonly UpcomingReminder[]): Map<string, UpcomingReminder[]> {
  const out = new Map<string, UpcomingReminder[]>()
  for (const r of items) {
    const day = r.fire_on.slice(0, 10)
    const list = out.get(day)
    if (list) list.push(r)
    else out.set(day, [r])
  }
  for (const list of out.values()) list.sort((a, b) => a.due_on.localeCompare(b.due_on) || a.enterprise_name.localeCompare(b.enterprise_name))
  return out
}

/** How many reminders fire on a day, by status. */
export function dayCount(list: readonly Pick<UpcomingReminder, 'status'>[] | undefined): DayCount {
  const c: DayCount = { total: 0, planned: 0, notified: 0, acknowledged: 0 }
  for (const r of list ?? []) {
    c.total++
    if (r.status === 'planned' || r.status === 'notified' || r.status === 'acknowledged') c[r.status]++
  }
  return c
}

/** The first and last date of a month: the range the calendar asks for. */
export function monthRange(year: number, month: number): { from: string; to: string } {
  const from = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-01`
  const next = month === 12 ? `${String(year + 1).padStart(4, '0')}-01-01` : `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-01`
  return { from, to: addDays(next, -1) }
}

/** The month before or after (`delta` months). */
export function shiftMonth(year: number, month: number, delta: number): { year: number; month: number } {
  const i = year * 12 + (month - 1) + delta
  return { year: Math.floor(i / 12), month: (i % 12) + 1 }
}

/** Whole days from `today` to a due date (negative when past). */
export function daysLeft(due: string, today: string): number {
  const a = Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 1, Number(today.slice(8, 10)))
  const b = Date.UTC(Number(due.slice(0, 4)), Number(due.slice(5, 7)) - 1, Number(due.slice(8, 10)))
  return Math.round((b - a) / 86_400_000)
}

/** A message's text in the UI language: the English one in English when there is one. */
export function localized(zh: string, en: string | null | undefined, locale: string): string {
  return locale === 'en' && en && en.trim() ? en : zh
}

/**
 * A message title without the enterprise name it starts with ("启润医药有限公司：证书将于…到期"
 * becomes "证书将于…到期"), for lists that show the enterprise beside the title. Unchanged when it
 * does not start with the name and a separator, or nothing would be left.
 */
export function withoutEnterprise(title: string, enterprise: string | null | undefined): string {
  const name = enterprise?.trim()
  if (!name || !title.startsWith(name)) return title
  const m = /^[\s:：,，、-]+/.exec(title.slice(name.length))
  if (!m) return title
  const rest = title.slice(name.length + m[0].length)
  return rest.trim() ? rest : title
}

/** The enterprises a list of messages is about, with how many messages each, most first, then by name. */
export function enterpriseOptions(items: readonly { enterprise_name?: string | null }[]): { name: string; count: number }[] {
  const counts = new Map<string, number>()
  for (const m of items) {
    const name = m.enterprise_name?.trim()
    if (name) counts.set(name, (counts.get(name) ?? 0) + 1)
  }
  return [...counts].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count || a.name.localeCompare(b.name, 'zh-CN'))
}

/** "2026年12月" / "December 2026": the title of the calendar's month. */
export function monthLabel(year: number, month: number, locale: string): string {
  if (locale === 'en') {
    const names = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
    return `${names[month - 1]} ${year}`
  }
  return `${year}年${month}月`
}

export type TemplateField = 'title_zh' | 'body_zh' | 'title_en' | 'body_en'
export const TEMPLATE_FIELDS: TemplateField[] = ['title_zh', 'body_zh', 'title_en', 'body_en']
export type Templates = Record<TemplateField, string>

/** The wording a new rule starts with, by what it watches (the user edits it freely). */
export function defaultTemplates(watch: string): Templates {
  switch (watch) {
    case 'label_recert':
      return {
        title_zh: '{subject}资质将于{due_date}到期，请准备复审',
        body_zh: '{enterprise}：贵企业的{subject}资质有效期至{due_date}，还有 {days_left} 天。请提前准备复审申报材料；如已办理，请点击“已处理”。——{station}',
        title_en: '{subject} expires on {due_date}: time to prepare the review',
        body_en: '{enterprise}: your {subject} status is valid until {due_date}, {days_left} days from now. Please prepare the review application; if you already have, click Handled. — {station}',
      }
    case 'annual_report':
      return {
        title_zh: '请于{due_date}前报送企业年报',
        body_zh: '{enterprise}：{subject}须于{due_date}前通过国家企业信用信息公示系统报送，还有 {days_left} 天。如已报送，请点击“已处理”。——{station}',
        title_en: 'Please file the annual report by {due_date}',
        body_en: '{enterprise}: the {subject} is due by {due_date} on the National Enterprise Credit Information Publicity System, {days_left} days from now. If you have filed it, click Handled. — {station}',
      }
    case 'request_deadline':
      return {
        title_zh: '办件{subject}将于{due_date}到期',
        body_zh: '{enterprise}的办件{subject}办理时限为{due_date}，还有 {days_left} 天，请抓紧办理。——{station}',
        title_en: 'Request {subject} is due on {due_date}',
        body_en: 'Request {subject} of {enterprise} is due on {due_date}, {days_left} days from now. Please finish it in time. — {station}',
      }
    default:
      return {
        title_zh: '{subject}将于{due_date}到期',
        body_zh: '{enterprise}：贵企业的{subject}将于{due_date}到期，还有 {days_left} 天。请及时办理延续手续；如已办理，请点击“已处理”。——{station}',
        title_en: '{subject} expires on {due_date}',
        body_en: '{enterprise}: your {subject} expires on {due_date}, {days_left} days from now. Please renew it in time; if you already have, click Handled. — {station}',
      }
  }
}

/** What the rule dialog edits: the rule, with escalation as a switch and a number. */
export interface RuleForm extends Templates {
  name: string
  watch: string
  subject_filter: string
  offsets: number[]
  offset_unit: OffsetUnit
  recipients: RecipientKind[]
  channels: NotifyChannel[]
  escalate: boolean
  escalate_after: number
  enabled: boolean
}

export const DEFAULT_ESCALATE_AFTER = 3

export function emptyRuleForm(): RuleForm {
  return {
    name: '',
    watch: '',
    subject_filter: '',
    offsets: [],
    offset_unit: 'days',
    recipients: ['contacts', 'specialist'],
    channels: ['inbox'],
    escalate: true,
    escalate_after: DEFAULT_ESCALATE_AFTER,
    enabled: true,
    title_zh: '',
    body_zh: '',
    title_en: '',
    body_en: '',
  }
}

export function ruleFormOf(r: RuleInput): RuleForm {
  return {
    name: r.name,
    watch: r.watch,
    subject_filter: r.subject_filter ?? '',
    offsets: normalizeOffsets(r.offsets),
    offset_unit: r.offset_unit,
    recipients: [...r.recipients],
    channels: [...r.channels],
    escalate: r.escalate_after !== null && r.escalate_after !== undefined,
    escalate_after: r.escalate_after ?? DEFAULT_ESCALATE_AFTER,
    enabled: r.enabled,
    title_zh: r.title_zh,
    body_zh: r.body_zh,
    title_en: r.title_en,
    body_en: r.body_en,
  }
}

/**
 * The body the server takes: a subject filter only for a watch that has one (and not blank),
 * escalation days only when escalation is on, trimmed name and titles.
 */
export function toRuleInput(f: RuleForm, filterKind: string | null | undefined): RuleInput {
  const filter = f.subject_filter.trim()
  return {
    name: f.name.trim(),
    watch: f.watch,
    subject_filter: filterKind && filter ? filter : null,
    offsets: normalizeOffsets(f.offsets),
    offset_unit: f.offset_unit,
    recipients: [...f.recipients],
    channels: [...f.channels],
    escalate_after: f.escalate ? f.escalate_after : null,
    title_zh: f.title_zh.trim(),
    body_zh: f.body_zh,
    title_en: f.title_en.trim(),
    body_en: f.body_en,
    enabled: f.enabled,
  }
}

/** The editable part of a saved rule (to save it again with one change, e.g. 启用). */
export function ruleInputOf(r: RuleInput): RuleInput {
  return {
    name: r.name,
    watch: r.watch,
    subject_filter: r.subject_filter,
    offsets: [...r.offsets],
    offset_unit: r.offset_unit,
    recipients: [...r.recipients],
    channels: [...r.channels],
    escalate_after: r.escalate_after,
    title_zh: r.title_zh,
    body_zh: r.body_zh,
    title_en: r.title_en,
    body_en: r.body_en,
    enabled: r.enabled,
  }
}

/** Whether the templates are still the ones a watch started with (so another watch may replace them). */
export function isDefaultWording(t: Templates, watch: string): boolean {
  const d = defaultTemplates(watch)
  return TEMPLATE_FIELDS.every((k) => t[k] === d[k])
}

/** Whether the templates are all empty. */
export function isBlankWording(t: Templates): boolean {
  return TEMPLATE_FIELDS.every((k) => !t[k].trim())
}

/** Whether a failed 已处理 means someone handled the reminder first (409 reminder.already_acknowledged). */
export function isAlreadyAcked(err: unknown): boolean {
  return err instanceof ApiError && err.status === 409 && err.code === 'reminder.already_acknowledged'
}
