import { describe, expect, it } from 'vitest'
import type { ReminderRule, UpcomingReminder } from '@/api/reminders'
import { ApiError } from '@/api/http'
import { isPending } from '@/views/inbox/useStaffInbox'
import {
  TEMPLATE_FIELDS,
  byFireDay,
  defaultTemplates,
  emptyRuleForm,
  enterpriseOptions,
  withoutEnterprise,
  isBlankWording,
  isDefaultWording,
  localized,
  monthLabel,
  ruleFormOf,
  ruleInputOf,
  toRuleInput,
  dayCount,
  daysLeft,
  deliveryStatusType,
  escalatedTo,
  insertAt,
  isAlreadyAcked,
  monthRange,
  normalizeOffsets,
  offsetText,
  offsetsText,
  parseOffset,
  placeholderToken,
  reminderStatusType,
  shiftMonth,
  unknownPlaceholders,
} from '@/utils/reminders'

describe('offsets in words', () => {
  it('speaks Chinese with days or working days', () => {
    expect(offsetsText([90, 30, 7], 'days', 'zh-CN')).toBe('提前 90/30/7 天')
    expect(offsetsText([7, 90, 30, 30], 'days', 'zh-CN')).toBe('提前 90/30/7 天')
    expect(offsetsText([5], 'working_days', 'zh-CN')).toBe('提前 5 个工作日')
    expect(offsetsText([30, 7, 0], 'days', 'zh-CN')).toBe('提前 30/7 天及当天')
    expect(offsetsText([0], 'days', 'zh-CN')).toBe('到期当天')
    expect(offsetsText([], 'days', 'zh-CN')).toBe('—')
  })
  it('speaks English with singular and plural', () => {
    expect(offsetsText([90, 30, 7], 'days', 'en')).toBe('90/30/7 days before')
    expect(offsetsText([1], 'days', 'en')).toBe('1 day before')
    expect(offsetsText([5], 'working_days', 'en')).toBe('5 working days before')
    expect(offsetsText([1], 'working_days', 'en')).toBe('1 working day before')
    expect(offsetsText([3, 0], 'days', 'en')).toBe('3 days before and on the due date')
    expect(offsetsText([0], 'working_days', 'en')).toBe('on the due date')
  })
  it('words one offset the same way', () => {
    expect(offsetText(30, 'days', 'zh-CN')).toBe('提前 30 天')
    expect(offsetText(0, 'days', 'zh-CN')).toBe('到期当天')
  })
})

describe('offset input', () => {
  it('keeps whole numbers 0–366, largest first, without repeats', () => {
    expect(normalizeOffsets([7, 90, 30, 30, 400, -1, 2.5])).toEqual([90, 30, 7])
    expect(normalizeOffsets([0, 366])).toEqual([366, 0])
  })
  it('reads typed offsets, with or without a unit', () => {
    expect(parseOffset('30')).toBe(30)
    expect(parseOffset(' 7 ')).toBe(7)
    expect(parseOffset('30天')).toBe(30)
    expect(parseOffset('5 个工作日')).toBe(5)
    expect(parseOffset('14 days')).toBe(14)
    expect(parseOffset('0')).toBe(0)
    expect(parseOffset('367')).toBeNull()
    expect(parseOffset('-3')).toBeNull()
    expect(parseOffset('1.5')).toBeNull()
    expect(parseOffset('abc')).toBeNull()
    expect(parseOffset('')).toBeNull()
  })
})

describe('template placeholders', () => {
  it('writes a placeholder as its token', () => {
    expect(placeholderToken('due_date')).toBe('{due_date}')
  })
  it('inserts at the caret and moves the caret after the token', () => {
    expect(insertAt('将于到期', '{due_date}', 2, 2)).toEqual({ text: '将于{due_date}到期', caret: 12 })
    expect(insertAt('abc', '{x}', 0, 0)).toEqual({ text: '{x}abc', caret: 3 })
  })
  it('replaces the selected text', () => {
    expect(insertAt('证照XXX到期', '{subject}', 2, 5)).toEqual({ text: '证照{subject}到期', caret: 11 })
  })
  it('appends when the caret is unknown and clamps a caret out of range', () => {
    expect(insertAt('到期：', '{due_date}')).toEqual({ text: '到期：{due_date}', caret: 13 })
    expect(insertAt('ab', '{x}', 10, 20)).toEqual({ text: 'ab{x}', caret: 5 })
    expect(insertAt('ab', '{x}', 2, 1)).toEqual({ text: 'ab{x}', caret: 5 })
  })
  it('finds the names that are not placeholders', () => {
    expect(unknownPlaceholders('{enterprise}的{subject}将于{due_date}到期')).toEqual([])
    expect(unknownPlaceholders('{企业} {subject} {foo} {foo}')).toEqual(['企业', 'foo'])
    expect(unknownPlaceholders('no braces')).toEqual([])
  })
})

describe('status tags and escalation', () => {
  it('colours reminder and delivery statuses', () => {
    expect(reminderStatusType('acknowledged')).toBe('success')
    expect(reminderStatusType('notified')).toBe('warning')
    expect(reminderStatusType('due')).toBe('primary')
    expect(reminderStatusType('planned')).toBe('info')
    expect(deliveryStatusType('sent')).toBe('success')
    expect(deliveryStatusType('failed')).toBe('danger')
    expect(deliveryStatusType('sending')).toBe('primary')
    expect(deliveryStatusType('queued')).toBe('info')
  })
  it('names who an escalated reminder went to', () => {
    expect(escalatedTo(0)).toBeNull()
    expect(escalatedTo(1)).toBe('station_manager')
    expect(escalatedTo(2)).toBe('bureau_leader')
    expect(escalatedTo(3)).toBeNull()
    // A rule that told the station manager already escalates to the bureau leader first.
    expect(escalatedTo(1, ['contacts', 'station_manager'])).toBe('bureau_leader')
    expect(escalatedTo(2, ['station_manager'])).toBeNull()
    expect(escalatedTo(1, ['contacts'])).toBe('station_manager')
  })
})

describe('the reminder calendar', () => {
  const r = (fire_on: string, due_on: string, status: UpcomingReminder['status'], enterprise_name = '甲'): UpcomingReminder => ({
    fire_on,
    due_on,
    status,
    enterprise_name,
    rule_id: 'r',
    rule_name: '证照到期提醒',
    watch: 'certificate_expiry',
    enterprise_id: 'e',
    station_name: '张江',
    subject: '食品经营许可证',
    offset: 30,
    reminder_id: null,
  })

  it('groups by fire day, sorted by due date', () => {
    const m = byFireDay([r('2026-12-01', '2026-12-31', 'planned', '乙'), r('2026-12-01', '2026-12-20', 'notified'), r('2026-12-02', '2027-01-01', 'planned')])
    expect([...m.keys()]).toEqual(['2026-12-01', '2026-12-02'])
    expect(m.get('2026-12-01')!.map((x) => x.due_on)).toEqual(['2026-12-20', '2026-12-31'])
  })
  it('counts a day by status', () => {
    expect(dayCount([r('2026-12-01', '2026-12-31', 'planned'), r('2026-12-01', '2026-12-31', 'notified'), r('2026-12-01', '2026-12-31', 'notified')])).toEqual({
      total: 3,
      planned: 1,
      notified: 2,
      acknowledged: 0,
    })
    expect(dayCount(undefined).total).toBe(0)
  })
  it('spans a month and moves between months', () => {
    expect(monthRange(2026, 2)).toEqual({ from: '2026-02-01', to: '2026-02-28' })
    expect(monthRange(2028, 2)).toEqual({ from: '2028-02-01', to: '2028-02-29' })
    expect(monthRange(2026, 12)).toEqual({ from: '2026-12-01', to: '2026-12-31' })
    expect(shiftMonth(2026, 12, 1)).toEqual({ year: 2027, month: 1 })
    expect(shiftMonth(2026, 1, -1)).toEqual({ year: 2025, month: 12 })
    expect(shiftMonth(2026, 5, 0)).toEqual({ year: 2026, month: 5 })
  })
  it('counts the days left to a due date', () => {
    expect(daysLeft('2026-12-31', '2026-12-01')).toBe(30)
    expect(daysLeft('2026-11-30', '2026-12-01')).toBe(-1)
  })
})

describe('the rule form', () => {
  const saved: ReminderRule = {
    id: 'r1',
    version: 3,
    updated_at: '2026-12-01T02:00:00Z',
    name: '证照到期提醒',
    watch: 'certificate_expiry',
    subject_filter: '食品经营许可证',
    offsets: [90, 30, 7],
    offset_unit: 'days',
    recipients: ['contacts', 'specialist'],
    channels: ['inbox', 'email'],
    escalate_after: null,
    title_zh: '{subject}将于{due_date}到期',
    body_zh: '正文',
    title_en: '{subject} expires on {due_date}',
    body_en: 'Body',
    enabled: true,
  }

  it('turns escalation into a switch and back', () => {
    const f = ruleFormOf(saved)
    expect(f.escalate).toBe(false)
    expect(f.escalate_after).toBe(3)
    expect(toRuleInput(f, 'certificate_kind').escalate_after).toBeNull()
    f.escalate = true
    f.escalate_after = 5
    expect(toRuleInput(f, 'certificate_kind').escalate_after).toBe(5)
  })
  it('sends a subject filter only for a watch that has one, trimmed, null when blank', () => {
    const f = ruleFormOf(saved)
    f.subject_filter = '  食品经营许可证 '
    expect(toRuleInput(f, 'certificate_kind').subject_filter).toBe('食品经营许可证')
    expect(toRuleInput(f, null).subject_filter).toBeNull()
    f.subject_filter = '   '
    expect(toRuleInput(f, 'label').subject_filter).toBeNull()
  })
  it('orders the offsets and trims the name and titles', () => {
    const f = { ...emptyRuleForm(), name: '  年报 ', watch: 'annual_report', offsets: [7, 60, 30, 7], title_zh: ' 标题 ', title_en: ' Title ' }
    const b = toRuleInput(f, null)
    expect(b.offsets).toEqual([60, 30, 7])
    expect(b.name).toBe('年报')
    expect(b.title_zh).toBe('标题')
    expect(b.title_en).toBe('Title')
  })
  it('keeps only the editable fields of a saved rule', () => {
    const b = ruleInputOf(saved)
    expect(b).not.toHaveProperty('id')
    expect(b).not.toHaveProperty('version')
    expect(b).not.toHaveProperty('updated_at')
    expect(b.offsets).toEqual([90, 30, 7])
    expect(b.offsets).not.toBe(saved.offsets)
  })
  it('starts a new rule with contacts and the specialist in the inbox, escalating after 3 working days', () => {
    const f = emptyRuleForm()
    expect(f.recipients).toEqual(['contacts', 'specialist'])
    expect(f.channels).toEqual(['inbox'])
    expect(f.escalate).toBe(true)
    expect(f.enabled).toBe(true)
    expect(isBlankWording(f)).toBe(true)
  })
  it('offers default wording per watch that uses known placeholders only', () => {
    for (const w of ['certificate_expiry', 'label_recert', 'annual_report', 'request_deadline']) {
      const d = defaultTemplates(w)
      for (const k of TEMPLATE_FIELDS) {
        expect(d[k].trim(), `${w} ${k}`).not.toBe('')
        expect(unknownPlaceholders(d[k]), `${w} ${k}`).toEqual([])
      }
      expect(isDefaultWording(d, w)).toBe(true)
    }
    expect(isDefaultWording(defaultTemplates('annual_report'), 'certificate_expiry')).toBe(false)
    expect(isDefaultWording({ ...defaultTemplates('annual_report'), body_zh: '改过' }, 'annual_report')).toBe(false)
  })
})

describe('messages', () => {
  it('shows the English text in English when there is one', () => {
    expect(localized('中文', 'English', 'en')).toBe('English')
    expect(localized('中文', 'English', 'zh-CN')).toBe('中文')
    expect(localized('中文', '', 'en')).toBe('中文')
    expect(localized('中文', null, 'en')).toBe('中文')
  })
  it('names the month', () => {
    expect(monthLabel(2026, 12, 'zh-CN')).toBe('2026年12月')
    expect(monthLabel(2026, 1, 'en')).toBe('January 2026')
  })
  it('offers 已处理 for reminders not yet handled only', () => {
    expect(isPending({ source_type: 'reminder', source_id: 'x', acknowledged: false })).toBe(true)
    expect(isPending({ source_type: 'reminder', source_id: 'x', acknowledged: true })).toBe(false)
    expect(isPending({ source_type: 'reminder', source_id: null, acknowledged: false })).toBe(false)
    expect(isPending({ source_type: 'policy_push', source_id: 'x', acknowledged: false })).toBe(false)
  })
})

describe('已处理 twice', () => {
  it('knows when someone handled the reminder first', () => {
    expect(isAlreadyAcked(new ApiError(409, { code: 'reminder.already_acknowledged', message: '该提醒已处理' }))).toBe(true)
    expect(isAlreadyAcked(new ApiError(409, { code: 'conflict.version', message: '' }))).toBe(false)
    expect(isAlreadyAcked(new ApiError(404, { code: 'reminder.already_acknowledged', message: '' }))).toBe(false)
    expect(isAlreadyAcked(new Error('x'))).toBe(false)
  })
})

describe('messages about enterprises', () => {
  it('drops the enterprise name a title starts with', () => {
    expect(withoutEnterprise('启润医药有限公司：质量管理体系认证证书将于2026年12月11日到期', '启润医药有限公司')).toBe('质量管理体系认证证书将于2026年12月11日到期')
    expect(withoutEnterprise('Acme Ltd: licence expires soon', 'Acme Ltd')).toBe('licence expires soon')
    expect(withoutEnterprise('启润医药有限公司的排污许可证快到期了', '启润医药有限公司')).toBe('启润医药有限公司的排污许可证快到期了')
    expect(withoutEnterprise('办件 SL202611239002 将于2026年12月7日到期', '上海中研医药股份有限公司')).toBe('办件 SL202611239002 将于2026年12月7日到期')
    expect(withoutEnterprise('启润医药有限公司：', '启润医药有限公司')).toBe('启润医药有限公司：')
    expect(withoutEnterprise('标题', null)).toBe('标题')
    expect(withoutEnterprise('标题', '  ')).toBe('标题')
  })

  it('lists the enterprises of the messages, most messages first', () => {
    expect(
      enterpriseOptions([
        { enterprise_name: '乙公司' },
        { enterprise_name: '甲公司' },
        { enterprise_name: null },
        { enterprise_name: '乙公司' },
        {},
        { enterprise_name: '丙公司' },
      ]),
    ).toEqual([
      { name: '乙公司', count: 2 },
      { name: '丙公司', count: 1 },
      { name: '甲公司', count: 1 },
    ])
    expect(enterpriseOptions([])).toEqual([])
  })
})
