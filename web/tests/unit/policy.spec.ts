import { describe, expect, it } from 'vitest'
import {
  cleanTags,
  conditionBar,
  isExpired,
  outboxChannelName,
  outboxLines,
  outboxParts,
  outboxText,
  percent,
  percentText,
  statusTagType,
  verdictGroup,
  verdictTagType,
} from '@/utils/policy'

describe('policy display', () => {
  it('shows near misses apart from the other failures', () => {
    expect(verdictGroup('eligible', false)).toBe('eligible')
    expect(verdictGroup('not_eligible', true)).toBe('near_miss')
    expect(verdictGroup('not_eligible', false)).toBe('not_eligible')
    expect(verdictGroup('undetermined', false)).toBe('undetermined')
  })

  it('colours verdicts 符合 green, 差一点 orange, 待补充 grey, 不符合 red', () => {
    expect(verdictTagType('eligible')).toBe('success')
    expect(verdictTagType('near_miss')).toBe('warning')
    expect(verdictTagType('undetermined')).toBe('info')
    expect(verdictTagType('not_eligible')).toBe('danger')
  })

  it('colours statuses', () => {
    expect(statusTagType('published')).toBe('success')
    expect(statusTagType('draft')).toBe('info')
    expect(statusTagType('withdrawn')).toBe('warning')
  })

  it('computes shares, never showing 0% for a non-zero part', () => {
    expect(percent(1273, 2001)).toBe(63.6)
    expect(percent(1, 0)).toBe(0)
    expect(percentText(1, 2001)).toBe('<0.1')
    expect(percentText(0, 2001)).toBe('0')
    expect(percentText(439, 2001)).toBe('21.9')
  })

  it('splits a condition bar into pass / fail / missing', () => {
    expect(conditionBar({ id: 'c1', pass: 3, fail: 1, missing: 0 })).toEqual({ pass: 75, fail: 25, missing: 0, total: 4 })
    expect(conditionBar({ id: 'c1', pass: 0, fail: 0, missing: 0 })).toEqual({ pass: 0, fail: 0, missing: 0, total: 0 })
  })

  it('knows an expired policy', () => {
    expect(isExpired('2026-01-01', '2026-01-02')).toBe(true)
    expect(isExpired('2026-01-02', '2026-01-02')).toBe(false)
    expect(isExpired(null, '2026-01-02')).toBe(false)
  })

  it('cleans typed tags', () => {
    expect(cleanTags([' 高企 ', '', '研发', '高企'])).toEqual(['高企', '研发'])
  })
})

describe('push outbox', () => {
  const outbox = [
    { channel: 'webhook', status: 'failed', count: 3 },
    { channel: 'email', status: 'sent', count: 12 },
    { channel: 'email', status: 'failed', count: 1 },
    { channel: 'email', status: 'queued', count: 2 },
    { channel: 'email', status: 'sending', count: 1 },
  ]

  it('counts each channel by state, e-mail first, queued and sending as pending', () => {
    expect(outboxLines(['inbox', 'email', 'webhook'], outbox)).toEqual([
      { channel: 'email', sent: 12, pending: 3, failed: 1 },
      { channel: 'webhook', sent: 0, pending: 0, failed: 3 },
    ])
  })

  it('keeps a chosen channel without messages yet and leaves the inbox out', () => {
    expect(outboxLines(['inbox', 'webhook'], [])).toEqual([{ channel: 'webhook', sent: 0, pending: 0, failed: 0 }])
    expect(outboxLines(['inbox'], [])).toEqual([])
    expect(outboxLines(undefined, undefined)).toEqual([])
    expect(outboxLines(['inbox'], [{ channel: 'inbox', status: 'sent', count: 5 }])).toEqual([])
  })

  it('lists a channel the outbox names even when the push does not', () => {
    expect(outboxLines([], [{ channel: 'email', status: 'sent', count: 2 }])).toEqual([{ channel: 'email', sent: 2, pending: 0, failed: 0 }])
  })

  it('words a line in both languages', () => {
    const [email, webhook] = outboxLines(['inbox', 'email', 'webhook'], outbox)
    expect(outboxText(email, 'zh-CN')).toBe('邮件 已发 12 / 待发 3 / 失败 1')
    expect(outboxText(webhook, 'zh-CN')).toBe('Webhook 失败 3')
    expect(outboxText(email, 'en')).toBe('E-mail sent 12 / pending 3 / failed 1')
    expect(outboxText({ channel: 'email', sent: 12, pending: 0, failed: 1 }, 'zh-CN')).toBe('邮件 已发 12 / 失败 1')
    expect(outboxText({ channel: 'email', sent: 0, pending: 0, failed: 0 }, 'zh-CN')).toBe('邮件 —')
  })

  it('gives the non-zero parts with their state, for the failed link', () => {
    expect(outboxParts({ channel: 'email', sent: 12, pending: 0, failed: 1 }, 'zh-CN')).toEqual([
      { state: 'sent', count: 12, text: '已发 12' },
      { state: 'failed', count: 1, text: '失败 1' },
    ])
    expect(outboxChannelName('email', 'en')).toBe('E-mail')
    expect(outboxChannelName('sms', 'zh-CN')).toBe('sms')
  })
})
